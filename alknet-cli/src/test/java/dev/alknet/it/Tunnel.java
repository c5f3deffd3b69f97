package dev.alknet.it;

import dev.alknet.client.AlknetClient;
import dev.alknet.client.ClientOptions;
import dev.alknet.core.config.AlknetHome;
import dev.alknet.core.config.ServerAddress;
import dev.alknet.core.hostkeys.HostKeyPolicy;
import dev.alknet.core.keys.KeyFiles;
import dev.alknet.server.AlknetServer;
import dev.alknet.server.ServerOptions;
import dev.alknet.transport.Transports;
import dev.alknet.transport.TransportSettings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;

/** A real alknet server and client, in process, on loopback, with their own scratch home. */
final class Tunnel implements AutoCloseable {

    final Path home;
    final AlknetServer server;
    final AlknetClient client;
    final KeyPair identity;

    private Tunnel(Path home, AlknetServer server, AlknetClient client, KeyPair identity) {
        this.home = home;
        this.server = server;
        this.client = client;
        this.identity = identity;
    }

    static Tunnel start(String scheme) throws Exception {
        Path dir = Files.createTempDirectory("alknet-it-");
        AlknetHome home = new AlknetHome(dir).ensureExists();
        KeyPair identity = KeyFiles.loadOrCreate(home.identity(), "it").pair();
        Files.writeString(home.authorizedKeys(), KeyFiles.publicKeyLine(identity.getPublic(), "it") + "\n");
        KeyPair hostKey = KeyFiles.loadOrCreate(home.hostKey(), "it-host").pair();
        TransportSettings settings = TransportSettings.builder()
                .tlsServer(dev.alknet.transport.tls.TlsServerMaterial.selfSigned(dir, "localhost")).build();
        AlknetServer server = AlknetServer.start(new ServerOptions(
                List.of(ServerAddress.parse(scheme + "://127.0.0.1:0", true)), hostKey, home.authorizedKeys(),
                a -> Transports.create(a.scheme(), settings), 6));
        int port = server.listeners().get(0).localAddress().getPort();
        ServerAddress target = ServerAddress.parse(scheme + "://127.0.0.1:" + port, false);
        ClientOptions options = new ClientOptions(target, Transports.create(scheme, settings), identity,
                home.knownHosts(), HostKeyPolicy.TRUST_ON_FIRST_USE, null, Duration.ofSeconds(10),
                Duration.ofSeconds(10), Duration.ofSeconds(15), 3);
        AlknetClient client = AlknetClient.start(options, new InetSocketAddress("127.0.0.1", 0));
        return new Tunnel(dir, server, client, identity);
    }

    String socks() {
        return "127.0.0.1:" + client.socksAddress().getPort();
    }

    int socksPort() {
        return client.socksAddress().getPort();
    }

    @Override
    public void close() throws IOException {
        client.close();
        server.close();
    }
}
