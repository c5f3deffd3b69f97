package dev.alknet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alknet.client.socks.SocksOptions;
import dev.alknet.client.socks.auth.SocksCredentials;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Real curl against every dialect of the one proxy port — SOCKS4, SOCKS4a, HTTP CONNECT, plain HTTP, SOCKS5h with
 * a password — through a real alknet client and server to a real HTTP server, byte-exact; then the refusals:
 * wrong and missing credentials, SOCKS4 where a password is required, destinations that refuse.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProxyDialectsEndToEndTest {

    private static final long SIZE = 1024 * 1024;
    private static final String USER = "alk user";
    private static final String PASSWORD = "pä55:word";

    private static E2e.Keys keys;
    private static E2e.Server server;
    private static E2e.Client open;
    private static E2e.Client guarded;
    private static WebServer web;
    private static Path dir;

    @BeforeAll
    static void start() throws Exception {
        keys = E2e.keys();
        dir = keys.dir();
        web = new WebServer();
        server = E2e.server(keys, (h, p, s) -> true);
        open = E2e.client(E2e.clientOptions(keys, server.port()), SocksOptions.defaults()).up();
        Path pw = dir.resolve("socks-password");
        Files.writeString(pw, PASSWORD + "\n");
        guarded = E2e.client(E2e.clientOptions(keys, server.port()),
                SocksOptions.defaults().withCredentials(SocksCredentials.fromFile(USER, pw))).up();
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {open, guarded, server}) {
            if (c != null) {
                c.close();
            }
        }
        web.close();
    }

    record Run(int exit, String stdout, String stderr) {
        @Override
        public String toString() {
            return "curl exit " + exit + ": " + stderr.strip();
        }
    }

    /** Runs curl with these arguments, no proxy from the environment; bounded. */
    static Run curl(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--max-time", "30"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        for (String v : List.of("http_proxy", "https_proxy", "all_proxy", "no_proxy", "HTTP_PROXY", "HTTPS_PROXY",
                "ALL_PROXY", "NO_PROXY")) {
            pb.environment().remove(v);
        }
        Path out = Files.createTempFile("alknet-curl-out", "");
        Path err = Files.createTempFile("alknet-curl-err", "");
        try {
            Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(40, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("curl did not finish: " + cmd);
            }
            return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static String blob(String host, long seed) {
        return "http://" + host + ":" + web.port() + "/blob?size=" + SIZE + "&seed=" + seed;
    }

    /** Fetches through the proxy given by {@code proxyArgs} and checks the bytes. */
    private static void fetchByteExact(String host, String... proxyArgs) throws Exception {
        long seed = String.join(" ", proxyArgs).hashCode() ^ host.hashCode();
        Path got = Files.createTempFile(dir, "got", "");
        List<String> args = new ArrayList<>(List.of(proxyArgs));
        args.addAll(List.of("-o", got.toString(), blob(host, seed)));
        Run r = curl(args.toArray(String[]::new));
        assertEquals(0, r.exit(), r.toString());
        assertEquals(SIZE, Files.size(got));
        assertEquals(WebServer.Blob.sha256(SIZE, seed), Files2.sha256(got));
        Files.delete(got);
    }

    private static String proxy(E2e.Client c) {
        return "127.0.0.1:" + c.socksPort();
    }

    @ParameterizedTest(name = "{0} to {1}")
    @CsvSource({"--socks4a, localhost", "--socks4a, 127.0.0.1", "--socks4, 127.0.0.1", "--socks5-hostname, localhost"})
    void socksDialectsWithoutCredentials(String flag, String host) throws Exception {
        fetchByteExact(host, flag, proxy(open));
    }

    @ParameterizedTest(name = "HTTP CONNECT to {0}")
    @CsvSource({"localhost", "127.0.0.1", "[::1]"})
    void httpConnect(String host) throws Exception {
        fetchByteExact(host, "-x", "http://" + proxy(open), "-p");
    }

    @ParameterizedTest(name = "plain HTTP to {0}")
    @CsvSource({"localhost", "127.0.0.1", "[::1]"})
    void plainHttpProxyRequests(String host) throws Exception {
        fetchByteExact(host, "-x", "http://" + proxy(open));
    }

    @Test
    void httpAnswersWithTheReasonWhenTheDestinationRefuses() throws Exception {
        String closed = "http://127.0.0.1:" + E2e.freePort() + "/";
        Run plain = curl("-x", "http://" + proxy(open), "-o", "/dev/null", "-w", "%{http_code}", closed);
        assertEquals("502", plain.stdout(), plain.toString());
        Run tunnel = curl("-x", "http://" + proxy(open), "-p", "-o", "/dev/null", closed);
        assertNotEquals(0, tunnel.exit());
        assertTrue(tunnel.stderr().contains("502"), tunnel.toString());
        Run socks4 = curl("--socks4a", proxy(open), "-o", "/dev/null", closed);
        assertNotEquals(0, socks4.exit(), socks4.toString());
    }

    @Test
    void socks5WithThePasswordWorks() throws Exception {
        fetchByteExact("localhost", "--socks5-hostname", "alk%20user:p%C3%A455%3Aword@" + proxy(guarded));
    }

    @Test
    void httpWithThePasswordWorks() throws Exception {
        String creds = "alk%20user:p%C3%A455%3Aword@";
        fetchByteExact("localhost", "-x", "http://" + creds + proxy(guarded), "-p");
        fetchByteExact("127.0.0.1", "-x", "http://" + creds + proxy(guarded));
    }

    @Test
    void socks5WrongOrMissingPasswordIsRefused() throws Exception {
        Run wrong = curl("--socks5-hostname", "alk%20user:guess@" + proxy(guarded), "-o", "/dev/null",
                blob("localhost", 1));
        assertEquals(97, wrong.exit(), wrong.toString()); // CURLE_PROXY: "User was rejected by the SOCKS5 server"
        assertTrue(wrong.stderr().contains("rejected"), wrong.toString());
        Run missing = curl("--socks5-hostname", proxy(guarded), "-o", "/dev/null", blob("localhost", 1));
        assertEquals(97, missing.exit(), missing.toString()); // no acceptable method: 0xFF
        Run userOnly = curl("--socks5-hostname", "alk%20user:@" + proxy(guarded), "-o", "/dev/null",
                blob("localhost", 1));
        assertNotEquals(0, userOnly.exit(), userOnly.toString());
    }

    @Test
    void httpWrongOrMissingPasswordGets407() throws Exception {
        for (String creds : List.of("", "alk%20user:guess@", "someone:p%C3%A455%3Aword@")) {
            Run plain = curl("-x", "http://" + creds + proxy(guarded), "-o", "/dev/null", "-w", "%{http_code}",
                    blob("localhost", 1));
            assertEquals("407", plain.stdout(), "'" + creds + "' " + plain);
            Run tunnel = curl("-x", "http://" + creds + proxy(guarded), "-p", "-o", "/dev/null",
                    blob("localhost", 1));
            assertNotEquals(0, tunnel.exit());
            assertTrue(tunnel.stderr().contains("407"), tunnel.toString());
        }
    }

    @Test
    void socks4IsRefusedWhenAPasswordIsRequired() throws Exception {
        Run r = curl("--socks4a", proxy(guarded), "-o", "/dev/null", blob("localhost", 1));
        assertNotEquals(0, r.exit(), r.toString());
        assertFalse(r.stderr().isEmpty());
        E2e.await(() -> guarded.socks.openConnections() == 0, Duration.ofSeconds(5), () -> "closed");
    }
}
