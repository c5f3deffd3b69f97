package dev.alknet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code alknet connect -L/-R} between real {@code serve} and {@code connect} processes: curl fetches through
 * each forward byte-exact, over IPv4 and IPv6; a forward the server must not open fails with a clear line;
 * bad specs are command-line errors naming the bad part.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ForwardEndToEndTest {

    private static final long SIZE = 8L * 1024 * 1024;

    private static WebServer web;
    private static Cli.Running server;
    private static Cli.Running client;
    private static Path dir;
    private static int localV4;
    private static int localV6;
    private static int remoteV4;
    private static int remoteV6;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/curl")), "curl not installed");
        web = new WebServer();
        E2e.Keys keys = E2e.keys();
        dir = keys.dir();
        server = Cli.Running.alknet("serve", "--home", dir.toString(), "--listen", "tcp://127.0.0.1:0",
                "--allow", "loopback");
        String serverPort = ForwardFixtures.awaitGroup(server, "listening on tcp://127\\.0\\.0\\.1:(\\d+)");
        int w = web.port();
        client = Cli.Running.alknet("connect", "tcp://127.0.0.1:" + serverPort, "--home", dir.toString(),
                "--socks", "127.0.0.1:0",
                "-L", "0:127.0.0.1:" + w, "--local-forward", "[::1]:0:localhost:" + w,
                "-R", "0:127.0.0.1:" + w, "--remote-forward", "[::1]:0:[::1]:" + w,
                "-R", "0.0.0.0:0:127.0.0.1:" + w);
        localV4 = Integer.parseInt(ForwardFixtures.awaitGroup(client, "-L 0:127\\.0\\.0\\.1:\\d+ listening on /127\\.0\\.0\\.1:(\\d+)"));
        localV6 = Integer.parseInt(ForwardFixtures.awaitGroup(client, "-L \\[::1\\]:0:localhost:\\d+ listening on /\\[?[0:]+1\\]?:(\\d+)"));
        remoteV4 = Integer.parseInt(ForwardFixtures.awaitGroup(client, "-R 0:127\\.0\\.0\\.1:\\d+: server listening on localhost:(\\d+)"));
        remoteV6 = Integer.parseInt(ForwardFixtures.awaitGroup(client, "-R \\[::1\\]:0:\\[::1\\]:\\d+: server listening on \\[::1\\]:(\\d+)"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
        if (web != null) {
            web.close();
        }
    }

    @ParameterizedTest(name = "{0} via {1}")
    @CsvSource({"-L, 127.0.0.1", "-L, [::1]", "-R, 127.0.0.1", "-R, [::1]"})
    void forwardIsByteExact(String kind, String host) throws Exception {
        int port = kind.equals("-L") ? (host.startsWith("[") ? localV6 : localV4)
                : (host.startsWith("[") ? remoteV6 : remoteV4);
        long seed = port;
        Path out = dir.resolve("got-" + kind + port);
        int exit = ForwardFixtures.curl("http://" + host + ":" + port + "/blob?size=" + SIZE + "&seed=" + seed, out);
        assertEquals(0, exit, "curl exit; client log:\n" + client.stderrText());
        assertEquals(SIZE, Files.size(out));
        assertEquals(WebServer.Blob.sha256(SIZE, seed), Files2.sha256(out));
        Files.delete(out);
    }

    @Test
    void remoteForwardBeyondLoopbackIsRefusedWithAClearLine() throws Exception {
        String line = client.awaitLine(l -> l.contains("-R 0.0.0.0:0:"), java.time.Duration.ofSeconds(10));
        assertTrue(line.contains("ERROR") && line.contains("server refused to listen on 0.0.0.0:0")
                && line.contains("--allow-remote-bind"), line);
        assertTrue(server.stderrText().contains("refused tcpip-forward on '0.0.0.0'"), server.stderrText());
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
        "-L | 99999:localhost:80   | listen port '99999' is not a port (expected 0-65535)",
        "-R | ::1:8080:localhost:80 | too many ':'"}) // the parser's other errors: ForwardSpecTest
    void badSpecIsACommandLineError(String option, String spec, String expected) throws Exception {
        Cli.Result r = Cli.run("connect", "tcp://127.0.0.1:1", "--home", dir.toString(), option, spec);
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.stderr().contains(expected) && r.stderr().contains("'" + spec + "'"), r.toString());
    }
}
