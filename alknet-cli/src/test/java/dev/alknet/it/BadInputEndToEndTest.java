package dev.alknet.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alknet.client.AlknetClient;
import dev.alknet.client.ConnectFailure;
import dev.alknet.client.socks.SocksOptions;
import dev.alknet.core.hostkeys.HostKeyPolicy;
import dev.alknet.core.hostkeys.KnownHostsLine;
import dev.alknet.core.keys.KeyFiles;
import dev.alknet.testkit.Await;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bad input against the SOCKS port and against the SSH port of a real alknet client and server, each with a clear
 * outcome (a reply code, or a close) and nothing left open afterwards: SOCKS connections, client channels, server
 * channels and server sessions all return to their baseline after every test.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BadInputEndToEndTest {

    /** Shorter than the 10 s default so the stalled-client cases stay quick; same code path. */
    private static final Duration HANDSHAKE_TIMEOUT = Duration.ofMillis(1500);
    private static final Duration CLOSE_WITHIN = Duration.ofSeconds(5);

    private static E2e.Keys keys;
    private static E2e.Server server;
    private static E2e.Client client;
    private static E2e.EchoServer echo;
    private static int baselineSessions;

    @BeforeAll
    static void start() throws Exception {
        keys = E2e.keys();
        echo = new E2e.EchoServer(4);
        server = E2e.server(keys, (h, p, s) -> true);
        client = E2e.client(E2e.clientOptions(keys, server.port()),
                SocksOptions.defaults().withHandshakeTimeout(HANDSHAKE_TIMEOUT)).up();
        baselineSessions = server.sessions();
        assertEquals(1, baselineSessions);
    }

    @AfterAll
    static void stop() throws Exception {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
        if (echo != null) {
            echo.close();
        }
    }

    /** Nothing left open, and the tunnel still carries a byte-exact stream. */
    @AfterEach
    void nothingLeftOpen() throws Exception {
        E2e.await(() -> client.socks.openConnections() == 0 && client.socks.openRelays() == 0
                        && server.liveChannels() == 0 && server.sessions() == baselineSessions,
                Duration.ofSeconds(10), () -> "baseline: socks connections " + client.socks.openConnections()
                        + ", client channels " + client.socks.openRelays() + ", server channels "
                        + server.liveChannels() + ", server sessions " + server.sessions() + " (want "
                        + baselineSessions + ")");
        try (Socket s = E2e.socksSocket(client.socksPort())) {
            s.getOutputStream().write(E2e.request(E2e.CONNECT, "127.0.0.1", echo.port()));
            assertEquals(E2e.SUCCEEDED, E2e.readReply(s.getInputStream()));
            byte[] data = "still working".getBytes(StandardCharsets.US_ASCII);
            s.getOutputStream().write(data);
            s.shutdownOutput();
            assertArrayEquals(data, s.getInputStream().readAllBytes());
        }
        E2e.await(() -> client.socks.openConnections() == 0 && server.liveChannels() == 0, Duration.ofSeconds(10),
                () -> "the check stream to close");
    }

    // ---- against the SOCKS port ----

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(ints = {1, 2, 3})
    void randomBytesAreClosedWithoutAWord(int seed) throws Exception {
        byte[] junk = random(seed, 4096);
        if (junk[0] == 4 || junk[0] == 5 || (junk[0] >= 'A' && junk[0] <= 'Z')) {
            junk[0] = 0x16; // not SOCKS5, SOCKS4 or an HTTP method: e.g. a TLS ClientHello
        }
        E2e.Outcome o = send(junk);
        assertTrue(o.closed(), o.toString());
        assertEquals(0, o.received().length, o.toString());
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(ints = {4, 5, 6})
    void randomRequestAfterAValidGreetingGetsAFailureReplyOrClose(int seed) throws Exception {
        byte[] junk = random(seed, 4096);
        junk[0] = 5;
        junk[1] = 1;
        junk[2] = 0; // NO_AUTH
        if (junk[3] == 5) {
            junk[3] = 6; // a request with a wrong version: never a real CONNECT to a random address
        }
        E2e.Outcome o = send(junk);
        assertTrue(o.closed(), o.toString());
        byte[] got = o.received();
        assertTrue(got.length >= 2 && got[0] == 5 && got[1] == 0, "method reply first: " + o);
        if (got.length > 2) {
            assertEquals(5, got[2], o.toString());
            assertFalse(got[3] == E2e.SUCCEEDED, "never success: " + o);
        }
    }

    /** SOCKS4 and 4a to a closed port get one 8-byte "rejected or failed" (91) reply, then a close. */
    @Test
    void socks4GetsARejectedReply() throws Exception {
        int closed = E2e.freePort();
        byte hi = (byte) (closed >> 8);
        byte lo = (byte) closed;
        byte[] socks4 = {4, 1, hi, lo, 127, 0, 0, 1, 'u', 0};
        byte[] socks4a = {4, 1, hi, lo, 0, 0, 0, 1, 'u', 0, 'l', 'o', 'c', 'a', 'l', 'h', 'o', 's', 't', 0};
        for (byte[] request : List.of(socks4, socks4a)) {
            E2e.Outcome o = send(request);
            assertTrue(o.closed(), o.toString());
            assertEquals(8, o.received().length, o.toString());
            assertEquals(0, o.received()[0], o.toString());
            assertEquals(91, o.received()[1], o.toString());
        }
    }

    @Test
    void maximalDomainsThatCannotResolveAreHostUnreachable() throws Exception {
        // 255 bytes in valid labels: goes to the server, which cannot resolve it.
        String labels = "a".repeat(63) + "." + "b".repeat(63) + "." + "c".repeat(63) + "." + "d".repeat(55)
                + ".invalid";
        assertEquals(255, labels.length());
        assertEquals(E2e.HOST_UNREACHABLE, E2e.connect(client.socksPort(), labels, 80));
        // 255 bytes in one label: not a valid name at all.
        assertEquals(E2e.HOST_UNREACHABLE, E2e.connect(client.socksPort(), "x".repeat(255), 80));
    }

    @Test
    void emptyDomainIsHostUnreachable() throws Exception {
        int before = server.channels.created.get();
        assertEquals(E2e.HOST_UNREACHABLE, replyTo(E2e.request(E2e.CONNECT, 3, new byte[] {0}, 80)));
        assertEquals(before, server.channels.created.get(), "no channel for an empty name");
    }

    @ParameterizedTest(name = "ATYP {0}")
    @ValueSource(ints = {0, 2, 5, 0xFF})
    void unknownAddressTypeIsAddressTypeNotSupported(int atyp) throws Exception {
        assertEquals(E2e.ADDRESS_UNSUPPORTED, replyTo(E2e.request(E2e.CONNECT, atyp, new byte[] {127, 0, 0, 1}, 80)));
    }

    @Test
    void oneByteThenStallIsClosedAtTheHandshakeDeadline() throws Exception {
        E2e.Outcome o = send(new byte[] {5});
        assertEquals("eof", o.end(), o.toString());
        assertEquals(0, o.received().length, o.toString());
        assertTrue(o.millis() >= HANDSHAKE_TIMEOUT.toMillis() - 100 && o.millis() < HANDSHAKE_TIMEOUT.toMillis() + 2000,
                o.toString());
    }

    @Test
    void partialRequestThenStallIsClosedAtTheHandshakeDeadline() throws Exception {
        // A complete greeting, then half a CONNECT: the deadline covers the whole handshake, not just the greeting.
        E2e.Outcome o = send(new byte[] {5, 1, 0, 5, 1, 0, 3, 16, 'e', 'x'});
        assertEquals("eof", o.end(), o.toString());
        assertArrayEquals(new byte[] {5, 0}, o.received(), o.toString());
        assertTrue(o.millis() >= HANDSHAKE_TIMEOUT.toMillis() - 100 && o.millis() < HANDSHAKE_TIMEOUT.toMillis() + 2000,
                o.toString());
    }

    // ---- against the SSH port ----

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"after the banner", "before the banner", "after a valid identification"})
    void randomBytesToTheSshPortAreClosed(String when) throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            if (!when.equals("before the banner")) {
                String banner = readLine(in);
                assertTrue(banner.startsWith("SSH-2.0-" + dev.alknet.server.SshIdent.DEFAULT), banner);
            }
            if (when.equals("after a valid identification")) {
                out.write("SSH-2.0-junk\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            // Keep the junk coming: after a bad packet length MINA deliberately reads a random number of further
            // bytes before it disconnects (CVE-2008-5161 mitigation), so a single burst may leave it waiting.
            E2e.daemon("ssh-junk", () -> {
                try {
                    for (int i = 0; i < 200 && !s.isClosed(); i++) {
                        out.write(random(when.hashCode() + i, 1024));
                        out.flush();
                        Thread.sleep(25); // pacing: a stream of junk, not a wait for something
                    }
                } catch (IOException | InterruptedException e) {
                    // the server closed the connection: what this test wants
                }
            });
            E2e.Outcome o = E2e.drain(s, CLOSE_WITHIN);
            assertTrue(o.closed(), o.toString());
        }
    }

    @Test
    void clientKeyNotAuthorizedFailsOnceWithTheFingerprint() throws Exception {
        KeyPair stranger = KeyFiles.generate();
        Path known = Files.createTempDirectory("alknet-kh-").resolve("known_hosts");
        try (E2e.CountingRelay relay = new E2e.CountingRelay(server.port());
                AlknetClient c = AlknetClient.start(E2e.clientOptions(stranger, known, relay.port(),
                        HostKeyPolicy.TRUST_ON_FIRST_USE, null, Duration.ofSeconds(5)), loopback())) {
            String msg = fatal(c);
            assertTrue(msg.contains("refused key " + KeyFiles.fingerprint(stranger.getPublic())), msg);
            assertStopped(c, relay);
        }
    }

    @Test
    void changedHostKeyIsRefusedShowingSeenAndExpected() throws Exception {
        KeyPair other = KeyFiles.generate();
        Path known = Files.createTempDirectory("alknet-kh-").resolve("known_hosts");
        try (E2e.CountingRelay relay = new E2e.CountingRelay(server.port())) {
            String line = KnownHostsLine.of("127.0.0.1", relay.port(), other.getPublic()) + "\n";
            Files.writeString(known, line);
            try (AlknetClient c = AlknetClient.start(E2e.clientOptions(keys.identity(), known, relay.port(),
                    HostKeyPolicy.TRUST_ON_FIRST_USE, null, Duration.ofSeconds(5)), loopback())) {
                String msg = fatal(c);
                assertTrue(msg.contains("HOST KEY CHANGED"), msg);
                assertTrue(msg.contains("[127.0.0.1]:" + relay.port()), msg);
                assertTrue(msg.contains("seen " + KeyFiles.fingerprint(keys.hostKey().getPublic())), msg);
                assertTrue(msg.contains("expected " + KeyFiles.fingerprint(other.getPublic())), msg);
                assertStopped(c, relay);
            }
            assertEquals(line, Files.readString(known), "known_hosts left as it was");
        }
    }

    @Test
    void strictHostKeyRefusesAnUnknownHost() throws Exception {
        Path known = Files.createTempDirectory("alknet-kh-").resolve("known_hosts");
        try (E2e.CountingRelay relay = new E2e.CountingRelay(server.port());
                AlknetClient c = AlknetClient.start(E2e.clientOptions(keys.identity(), known, relay.port(),
                        HostKeyPolicy.STRICT, null, Duration.ofSeconds(5)), loopback())) {
            String msg = fatal(c);
            assertTrue(msg.contains("unknown host key " + KeyFiles.fingerprint(keys.hostKey().getPublic())), msg);
            assertTrue(msg.contains("--strict-host-key"), msg);
            assertStopped(c, relay);
        }
        assertFalse(Files.exists(known), "nothing recorded");
    }

    @Test
    void pinnedHostKeyAcceptsTheRightKeyAndRefusesAWrongOne() throws Exception {
        String right = KeyFiles.fingerprint(keys.hostKey().getPublic());
        Path known = Files.createTempDirectory("alknet-kh-").resolve("known_hosts");
        try (AlknetClient c = AlknetClient.start(E2e.clientOptions(keys.identity(), known, server.port(),
                HostKeyPolicy.STRICT, right, Duration.ofSeconds(5)), loopback())) {
            c.sessions().session().get(15, TimeUnit.SECONDS);
            assertEquals(E2e.SUCCEEDED, E2e.connect(c.socksAddress().getPort(), "127.0.0.1", echo.port()));
        }
        String wrong = KeyFiles.fingerprint(KeyFiles.generate().getPublic());
        try (E2e.CountingRelay relay = new E2e.CountingRelay(server.port());
                AlknetClient c = AlknetClient.start(E2e.clientOptions(keys.identity(), known, relay.port(),
                        HostKeyPolicy.TRUST_ON_FIRST_USE, wrong, Duration.ofSeconds(5)), loopback())) {
            String msg = fatal(c);
            assertTrue(msg.contains("does not match --host-key"), msg);
            assertTrue(msg.contains("seen " + right), msg);
            assertTrue(msg.contains("expected " + wrong), msg);
            assertStopped(c, relay);
        }
    }

    // ---- helpers ----

    private static InetSocketAddress loopback() {
        return new InetSocketAddress("127.0.0.1", 0);
    }

    /** The client gives up for good with a one-line reason. */
    private static String fatal(AlknetClient c) throws Exception {
        ConnectFailure f = c.fatal().get(15, TimeUnit.SECONDS);
        assertTrue(f.permanent());
        String msg = f.getMessage();
        assertFalse(msg.contains("\n") || msg.contains("\r"), "one line: " + msg);
        return msg;
    }

    /** No second attempt after a permanent failure, and streams fail fast with 0x01 instead of waiting. */
    private static void assertStopped(AlknetClient c, E2e.CountingRelay relay) throws Exception {
        assertEquals(1, relay.accepted.get(), "the relay counts the attempt that failed");
        // An absence check over the retry schedule: a first retry would come after 250-500 ms, a second well
        // within 2 s, and the relay that counted the first attempt would count it.
        Await.never(() -> relay.accepted.get() > 1, Duration.ofSeconds(2),
                () -> "connection attempts after a permanent failure: " + relay.accepted.get());
        assertEquals(1, relay.accepted.get(), "connection attempts");
        long start = System.nanoTime();
        assertEquals(E2e.GENERAL_FAILURE, E2e.connect(c.socksAddress().getPort(), "127.0.0.1", echo.port()));
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(ms < 1000, "0x01 at once, not after connect-wait: " + ms + " ms");
    }

    private static E2e.Outcome send(byte[] bytes) throws IOException {
        try (Socket s = E2e.socksSocket(client.socksPort())) {
            s.getOutputStream().write(bytes);
            s.getOutputStream().flush();
            return E2e.drain(s, CLOSE_WITHIN);
        }
    }

    /** Sends greeting and request, reads the REP, then checks that the client closed the connection. */
    private static int replyTo(byte[] request) throws IOException {
        try (Socket s = E2e.socksSocket(client.socksPort())) {
            s.getOutputStream().write(request);
            int rep = E2e.readReply(s.getInputStream());
            E2e.Outcome after = E2e.drain(s, CLOSE_WITHIN);
            assertTrue(after.closed() && after.received().length == 0, "closed after the reply: " + after);
            return rep;
        }
    }

    private static byte[] random(long seed, int n) {
        byte[] b = new byte[n];
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < n; i++) {
            b[i] = (byte) r.nextInt(256);
        }
        return b;
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            sb.append((char) c);
        }
        return sb.toString().trim();
    }
}
