package dev.alknet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.alknet.core.keys.KeyFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Dynamic {@code -R PORT} (as {@code ssh -R 1080}) between real processes: curl through the server's port reaches a
 * web server on the client's side, byte-exact, through SOCKS5h and the HTTP proxy dialect; a client without
 * {@code --dynamic-allow-local} refuses to dial its own loopback for the server; a bind beyond the server's loopback
 * is refused by the server's {@code -R} rules, as for any {@code -R}.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RemoteDynamicForwardEndToEndTest {

    private static final long SIZE = 3L * 1024 * 1024;

    private static WebServer web;
    private static Cli.Running server;
    private static Cli.Running open;
    private static Cli.Running guarded;
    private static Path dir;
    private static int openPort;
    private static int guardedPort;
    private static int everywherePort;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/curl")), "curl not installed");
        web = new WebServer();
        E2e.Keys keys = E2e.keys();
        E2e.Keys other = E2e.keys();
        dir = keys.dir();
        Files.writeString(keys.home().authorizedKeys(),
                KeyFiles.publicKeyLine(other.identity().getPublic(), "other") + "\n", StandardOpenOption.APPEND);
        int serverPort = E2e.freePort();
        openPort = E2e.freePort();
        guardedPort = E2e.freePort();
        everywherePort = E2e.freePort();
        // all three at once (the clients retry until the server listens): one JVM start instead of three in a row
        server = Cli.Running.alknet("serve", "--home", dir.toString(), "--listen", "tcp://127.0.0.1:" + serverPort);
        open = Cli.Running.alknet("connect", "tcp://127.0.0.1:" + serverPort, "--home", dir.toString(),
                "--socks", "127.0.0.1:0", "-R", String.valueOf(openPort), "-R", "0.0.0.0:" + everywherePort,
                "--dynamic-allow-local");
        guarded = Cli.Running.alknet("connect", "tcp://127.0.0.1:" + serverPort, "--home", other.dir().toString(),
                "--socks", "127.0.0.1:0", "-R", "127.0.0.1:" + guardedPort);
        open.awaitLine(l -> l.contains("server listening on localhost:" + openPort), Duration.ofSeconds(120));
        guarded.awaitLine(l -> l.contains("server listening on 127.0.0.1:" + guardedPort), Duration.ofSeconds(120));
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable x : new AutoCloseable[] {open, guarded, server, web}) {
            if (x != null) {
                x.close();
            }
        }
    }

    @Test
    void curlThroughTheServersPortReachesTheClientsSide() throws Exception {
        Path out = dir.resolve("dynamic-socks");
        Curl.Result r = Curl.fetch("127.0.0.1:" + openPort,
                "http://localhost:" + web.port() + "/blob?size=" + SIZE + "&seed=7", out);
        assertEquals(0, r.exit(), r.stderr() + "\nclient:\n" + open.stderrText());
        assertEquals(WebServer.Blob.sha256(SIZE, 7), Files2.sha256(out));
        Files.delete(out);
    }

    @Test
    void httpProxyDialectWorksToo() throws Exception {
        Path out = dir.resolve("dynamic-http");
        Process p = new ProcessBuilder("curl", "-sS", "--max-time", "30", "-x", "http://127.0.0.1:" + openPort,
                "-o", out.toString(), "http://127.0.0.1:" + web.port() + "/blob?size=" + SIZE + "&seed=8")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        assertTrue(p.waitFor(40, TimeUnit.SECONDS), "curl did not finish");
        assertEquals(0, p.exitValue(), open.stderrText());
        assertEquals(WebServer.Blob.sha256(SIZE, 8), Files2.sha256(out));
        Files.delete(out);
    }

    @Test
    void theClientsOwnLoopbackIsRefusedByDefault() throws Exception {
        Path out = dir.resolve("dynamic-refused");
        Curl.Result r = Curl.fetch("127.0.0.1:" + guardedPort, "http://127.0.0.1:" + web.port() + "/blob?size=10",
                out);
        assertNotEquals(0, r.exit(), "the client dialled its own loopback for the server");
        assertTrue(r.stderr().contains("SOCKS"), r.stderr());
        guarded.awaitLine(l -> l.contains("dynamic -R: refused a connection to 127.0.0.1:" + web.port())
                && l.contains("loopback"), Duration.ofSeconds(10));
    }

    @Test
    void aBindBeyondTheServersLoopbackIsRefusedByItsRules() throws Exception {
        String line = open.awaitLine(l -> l.contains("server refused to listen on 0.0.0.0:" + everywherePort),
                Duration.ofSeconds(10));
        assertTrue(line.contains("ERROR") && line.contains("--allow-remote-bind"), line);
    }
}
