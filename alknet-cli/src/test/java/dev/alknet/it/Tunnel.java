package dev.alknet.it;

import dev.alknet.client.AlknetClient;
import dev.alknet.client.ClientOptions;
import dev.alknet.core.config.AlknetHome;
import dev.alknet.core.config.ServerAddress;
import dev.alknet.core.hostkeys.HostKeyPolicy;
import dev.alknet.core.keys.KeyFiles;
import dev.alknet.server.AlknetServer;
import dev.alknet.server.ServerOptions;
import dev.alknet.transport.TransportSettings;
import dev.alknet.transport.Transports;
import dev.alknet.transport.tls.TlsServerMaterial;
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
    final String scheme;
    private final boolean ownsServer;

    private Tunnel(Path home, AlknetServer server, AlknetClient client, KeyPair identity, String scheme,
            boolean ownsServer) {
        this.home = home;
        this.server = server;
        this.client = client;
        this.identity = identity;
        this.scheme = scheme;
        this.ownsServer = ownsServer;
    }

    static Tunnel start(String scheme) throws Exception {
        return start(scheme, TransportSettings.defaults());
    }

    /**
     * A server with resume grace {@code grace}, and a client that dials the port {@code clientPort} maps the
     * server's port to (a relay in between).
     */
    static Tunnel startRelayed(String scheme, Duration grace, java.util.function.IntUnaryOperator clientPort)
            throws Exception {
        return startRelayed(scheme, grace, false, clientPort);
    }

    /** As above; {@code stealth}: the server runs {@code --stealth} (compatible). */
    static Tunnel startRelayed(String scheme, Duration grace, boolean stealth,
            java.util.function.IntUnaryOperator clientPort) throws Exception {
        return startRelayed(scheme, grace, stealth, clientPort, Duration.ofSeconds(15));
    }

    /** As above, with the client's {@code heartbeat} (3 missed: the carrier is dropped and resumed). */
    static Tunnel startRelayed(String scheme, Duration grace, boolean stealth,
            java.util.function.IntUnaryOperator clientPort, Duration heartbeat) throws Exception {
        Path dir = Files.createTempDirectory("alknet-it-");
        AlknetHome home = new AlknetHome(dir).ensureExists();
        KeyPair identity = KeyFiles.loadOrCreate(home.identity(), "it").pair();
        Files.writeString(home.authorizedKeys(), KeyFiles.publicKeyLine(identity.getPublic(), "it") + "\n");
        AlknetServer server = startServer(dir, scheme, 0, grace, stealth);
        try {
            int port = clientPort.applyAsInt(server.listeners().get(0).localAddress().getPort());
            return new Tunnel(dir, server, startClient(dir, port, identity, scheme, TransportSettings.defaults(),
                    heartbeat), identity, scheme, true);
        } catch (Exception e) {
            server.close();
            throw e;
        }
    }

    /** A server on {@code port} (0: any) with the scratch home {@code dir}. */
    static AlknetServer startServer(Path dir, String scheme, int port, Duration grace) throws Exception {
        return startServer(dir, scheme, port, grace, false);
    }

    static AlknetServer startServer(Path dir, String scheme, int port, Duration grace, boolean stealth)
            throws Exception {
        AlknetHome home = new AlknetHome(dir);
        KeyPair hostKey = KeyFiles.loadOrCreate(home.hostKey(), "it-host").pair();
        TransportSettings settings = TransportSettings.builder()
                .tlsServer(TlsServerMaterial.selfSigned(dir, "localhost")).build();
        return AlknetServer.start(new ServerOptions(
                List.of(ServerAddress.parse(scheme + "://127.0.0.1:" + port, true)), hostKey, home.authorizedKeys(),
                a -> Transports.create(a.scheme(), settings), 6).withResumeGrace(grace)
                .withStealth(stealth ? new dev.alknet.server.stealth.StealthOptions(
                        dev.alknet.server.stealth.StealthOptions.Level.COMPATIBLE, Duration.ofSeconds(30), null, null)
                        : dev.alknet.server.stealth.StealthOptions.OFF));
    }

    /** A tunnel whose client dials with {@code clientSettings} (a --via proxy, TLS pin, ...). */
    static Tunnel start(String scheme, TransportSettings clientSettings) throws Exception {
        Path dir = Files.createTempDirectory("alknet-it-");
        AlknetHome home = new AlknetHome(dir).ensureExists();
        KeyPair identity = KeyFiles.loadOrCreate(home.identity(), "it").pair();
        Files.writeString(home.authorizedKeys(), KeyFiles.publicKeyLine(identity.getPublic(), "it") + "\n");
        KeyPair hostKey = KeyFiles.loadOrCreate(home.hostKey(), "it-host").pair();
        TransportSettings settings = TransportSettings.builder()
                .tlsServer(TlsServerMaterial.selfSigned(dir, "localhost")).build();
        AlknetServer server = AlknetServer.start(new ServerOptions(
                List.of(ServerAddress.parse(scheme + "://127.0.0.1:0", true)), hostKey, home.authorizedKeys(),
                a -> Transports.create(a.scheme(), settings), 6));
        try {
            return new Tunnel(dir, server, startClient(dir, server, identity, scheme, clientSettings), identity,
                    scheme, true);
        } catch (Exception e) {
            server.close();
            throw e;
        }
    }

    /** Another client, with other settings, against the server of {@code t}; closing it leaves the server up. */
    static Tunnel reuseServer(Tunnel t, TransportSettings clientSettings) throws Exception {
        return new Tunnel(t.home, t.server, startClient(t.home, t.server, t.identity, t.scheme, clientSettings),
                t.identity, t.scheme, false);
    }

    private static AlknetClient startClient(Path dir, AlknetServer server, KeyPair identity, String scheme,
            TransportSettings clientSettings) throws IOException {
        return startClient(dir, server.listeners().get(0).localAddress().getPort(), identity, scheme, clientSettings);
    }

    private static AlknetClient startClient(Path dir, int port, KeyPair identity, String scheme,
            TransportSettings clientSettings) throws IOException {
        return startClient(dir, port, identity, scheme, clientSettings, Duration.ofSeconds(15));
    }

    private static AlknetClient startClient(Path dir, int port, KeyPair identity, String scheme,
            TransportSettings clientSettings, Duration heartbeat) throws IOException {
        ServerAddress target = ServerAddress.parse(scheme + "://127.0.0.1:" + port, false);
        ClientOptions options = new ClientOptions(target, Transports.create(scheme, clientSettings), identity,
                new AlknetHome(dir).knownHosts(), HostKeyPolicy.TRUST_ON_FIRST_USE, null, Duration.ofSeconds(10),
                Duration.ofSeconds(10), heartbeat, 3);
        return AlknetClient.start(options, new InetSocketAddress("127.0.0.1", 0));
    }

    String socks() {
        return "127.0.0.1:" + client.socksAddress().getPort();
    }

    int socksPort() {
        return client.socksAddress().getPort();
    }

    String lastError() {
        return client.lastError();
    }

    @Override
    public void close() throws IOException {
        client.close();
        if (ownsServer) {
            server.close();
        }
    }
}
