package dev.alknet.cli;

import com.sun.net.httpserver.HttpServer;
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
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Bring up a server, a client and a web page on loopback in a scratch home, prove a fetch "
                + "through the SOCKS5h port, then stay up so you can try it with curl.",
        footer = {"", "Examples:",
                "  alknet demo",
                "  alknet demo --socks-port 1081"})
final class DemoCommand implements Callable<Integer> {

    private static final String PAGE = "Hello through the alknet tunnel!\n";

    @Option(names = "--socks-port", paramLabel = "PORT", defaultValue = "1080",
            description = "Local SOCKS port; another free one is used if it is taken (default: ${DEFAULT-VALUE}).")
    int socksPort;

    @Override
    public Integer call() throws Exception {
        Path scratch = Files.createTempDirectory("alknet-demo-");
        AlknetHome home = new AlknetHome(scratch).ensureExists();
        var identity = KeyFiles.loadOrCreate(home.identity(), "demo-client").pair();
        Files.writeString(home.authorizedKeys(), KeyFiles.publicKeyLine(identity.getPublic(), "demo-client") + "\n");
        var hostKey = KeyFiles.loadOrCreate(home.hostKey(), "demo-host").pair();

        HttpServer web = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        web.createContext("/", ex -> {
            byte[] body = PAGE.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        web.start();
        int webPort = web.getAddress().getPort();

        ServerAddress listen = ServerAddress.parse("tcp://127.0.0.1:0", true);
        ShutdownSignal signal = new ShutdownSignal();
        try (AlknetServer server = AlknetServer.start(new ServerOptions(List.of(listen), hostKey,
                home.authorizedKeys(), a -> Transports.create(a.scheme(), TransportSettings.defaults()), 6))) {
            int serverPort = server.listeners().get(0).localAddress().getPort();
            ServerAddress target = ServerAddress.parse("tcp://127.0.0.1:" + serverPort, false);
            ClientOptions options = new ClientOptions(target, Transports.create(target.scheme(), TransportSettings.defaults()),
                    identity, home.knownHosts(), HostKeyPolicy.TRUST_ON_FIRST_USE, null, Duration.ofSeconds(10),
                    Duration.ofSeconds(10), Duration.ofSeconds(15), 3);
            try (AlknetClient client = AlknetClient.start(options,
                    new InetSocketAddress("127.0.0.1", isFree(socksPort) ? socksPort : 0))) {
                int socks = client.socksAddress().getPort();
                String got = fetchThroughSocks(socks, webPort);
                if (!got.endsWith(PAGE)) {
                    throw new IOException("demo fetch through the tunnel failed: " + got.lines().findFirst().orElse(""));
                }
                System.out.println("demo: server tcp://127.0.0.1:" + serverPort + ", SOCKS5h 127.0.0.1:" + socks
                        + ", home " + scratch);
                System.out.println("demo: fetched http://localhost:" + webPort + "/ through the tunnel: " + PAGE.trim());
                System.out.println("Try it (Ctrl-C to stop):");
                System.out.println("  curl --socks5-hostname 127.0.0.1:" + socks + " http://localhost:" + webPort + "/");
                System.out.println("  curl --socks5-hostname 127.0.0.1:" + socks + " https://example.com/");
                System.out.flush();
                signal.received().join();
            }
        } finally {
            web.stop(0);
        }
        return 0;
    }

    private static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** One HTTP GET through the SOCKS port, the name resolved by the server (Java sends it as a domain). */
    private static String fetchThroughSocks(int socksPort, int webPort) throws IOException {
        try (Socket s = new Socket(new Proxy(Proxy.Type.SOCKS, new InetSocketAddress("127.0.0.1", socksPort)))) {
            s.setSoTimeout(15_000);
            s.connect(InetSocketAddress.createUnresolved("localhost", webPort), 15_000);
            s.getOutputStream().write(("GET / HTTP/1.0\r\nHost: localhost\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
