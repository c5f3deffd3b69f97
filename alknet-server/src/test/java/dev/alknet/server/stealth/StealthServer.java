package dev.alknet.server.stealth;

import dev.alknet.core.config.ServerAddress;
import dev.alknet.core.keys.KeyFiles;
import dev.alknet.server.AlknetServer;
import dev.alknet.server.ServerOptions;
import dev.alknet.transport.TransportListener;
import dev.alknet.transport.TransportSettings;
import dev.alknet.transport.Transports;
import dev.alknet.transport.tls.TlsServerMaterial;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;

/** An in-process alknet server in stealth mode on loopback listeners; TLS material kept in {@link #dir}. */
final class StealthServer implements AutoCloseable {

    final Path dir;
    final AlknetServer server;
    final KeyPair identity;

    private StealthServer(Path dir, AlknetServer server, KeyPair identity) {
        this.dir = dir;
        this.server = server;
        this.identity = identity;
    }

    static StealthServer start(StealthOptions stealth, String... schemes) throws Exception {
        return start(stealth, Files.createTempDirectory("alknet-stealth-"), schemes);
    }

    /** A server whose keys and TLS certificate are those in {@code dir} (made there if missing). */
    static StealthServer start(StealthOptions stealth, Path dir, String... schemes) throws Exception {
        return start(stealth, dir, false, schemes);
    }

    /** {@code sshAlpn}: as {@code --stealth-ssh-alpn}. */
    static StealthServer start(StealthOptions stealth, Path dir, boolean sshAlpn, String... schemes) throws Exception {
        KeyPair identity = KeyFiles.loadOrCreate(dir.resolve("id_ed25519"), "client").pair();
        Path authorized = dir.resolve("authorized_keys");
        Files.writeString(authorized, KeyFiles.publicKeyLine(identity.getPublic(), "client") + "\n");
        KeyPair hostKey = KeyFiles.loadOrCreate(dir.resolve("host_key"), "host").pair();
        TransportSettings.Builder settings = TransportSettings.builder()
                .tlsServer(TlsServerMaterial.selfSigned(dir, "localhost"));
        if (stealth.enabled()) {
            settings.stealthTimeout(stealth.timeout()).stealthKey(stealth.key()).stealthSshAlpn(sshAlpn);
        }
        TransportSettings s = settings.build();
        List<ServerAddress> listen = new ArrayList<>();
        for (String scheme : schemes) {
            listen.add(ServerAddress.parse(scheme + "://127.0.0.1:0", true));
        }
        AlknetServer server = AlknetServer.start(new ServerOptions(listen, hostKey, authorized,
                a -> Transports.create(a.scheme(), s), 6).withStealth(stealth));
        return new StealthServer(dir, server, identity);
    }

    int port(String scheme) {
        for (TransportListener l : server.listeners()) {
            if (l.endpoint().scheme().equals(scheme)) {
                return l.localAddress().getPort();
            }
        }
        throw new IllegalArgumentException(scheme);
    }

    @Override
    public void close() {
        server.close();
    }
}
