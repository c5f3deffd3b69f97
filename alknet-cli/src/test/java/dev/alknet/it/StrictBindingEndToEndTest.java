package dev.alknet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.alknet.transport.stealth.StealthKey;
import dev.alknet.transport.stealth.StrictProofClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The strict proof bound to its TLS session (docs/adr/0014) between real processes: {@code alknet serve
 * --stealth=strict} on Java 25, {@code alknet connect} on Java 25 (bound proofs) and on the build's Java 17
 * (unbound), a man-in-the-middle that relays a proof into a TLS session of its own. Skipped without Java 25.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class StrictBindingEndToEndTest {

    /** The Java 25 runtime machines of this kind (CI included) have. */
    static final Path JAVA25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java");
    private static final String ACCEPTED_BOUND = "strict proof accepted on tls, bound to the TLS session";
    private static final String ACCEPTED_UNBOUND = "strict proof accepted on tls, unbound";
    private static final long SIZE = 1024 * 1024;

    private static E2e.Keys keys;
    private static Cli.Running server;
    private static WebServer web;
    private static String share;
    private static int port;
    private static StealthKey key;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Files.isExecutable(JAVA25), "no Java 25 at " + JAVA25);
        keys = E2e.keys();
        server = serve("any");
        share = "alknet://tls/" + awaitGroup(server, "share: alknet://tls/(\\S+)");
        port = Integer.parseInt(share.substring(share.lastIndexOf(':') + 1, share.indexOf('?')));
        key = StealthKey.load(keys.dir().resolve("stealth_key"));
        web = new WebServer();
    }

    @AfterAll
    static void stop() throws Exception {
        if (web != null) {
            web.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static Cli.Running serve(String binding) throws Exception {
        Cli.Running s = Cli.Running.alknetOn(JAVA25, "serve", "--home", keys.dir().toString(),
                "--listen", "tls://127.0.0.1:0", "--stealth=strict", "--print-share", "--stealth-binding", binding,
                "--allow", "loopback", "--log-level", "debug");
        s.awaitLine(l -> l.contains("strict stealth: tls proofs " + ("any".equals(binding) ? "bound" : "must be bound")),
                Duration.ofSeconds(60));
        return s;
    }

    @Test
    void aClientOnJava25GetsInWithAProofBoundToItsTlsSession() throws Exception {
        long before = ForwardFixtures.count(server, ACCEPTED_BOUND);
        int socks = E2e.freePort();
        try (Cli.Running client = Cli.Running.alknetOn(JAVA25, "connect", "--home", keys.dir().toString(),
                "--socks", "127.0.0.1:" + socks, "--connect-timeout", "20s", share)) {
            client.awaitLine(l -> l.contains("tunnel up"), Duration.ofSeconds(90));
            Path out = keys.dir().resolve("got-bound");
            Curl.Result r = Curl.fetch("127.0.0.1:" + socks, "http://localhost:" + web.port() + "/blob?size=" + SIZE
                    + "&seed=7", out, "--retry", "3", "--retry-all-errors", "--retry-delay", "1");
            assertEquals(0, r.exit(), r.stderr());
            assertEquals(WebServer.Blob.sha256(SIZE, 7), Files2.sha256(out));
        }
        assertEquals(before + 1, ForwardFixtures.count(server, ACCEPTED_BOUND), server.stderrText());
    }

    @Test
    void aClientOnJava17GetsInUnboundWhileBindingIsNotRequired() throws Exception {
        long before = ForwardFixtures.count(server, ACCEPTED_UNBOUND);
        try (Cli.Running client = Cli.Running.alknet("connect", "--home", keys.dir().toString(),
                "--socks", "127.0.0.1:" + E2e.freePort(), "--connect-timeout", "20s", share)) {
            client.awaitLine(l -> l.contains("tunnel up"), Duration.ofSeconds(90));
        }
        assertEquals(before + 1, ForwardFixtures.count(server, ACCEPTED_UNBOUND), server.stderrText());
    }

    /**
     * The relay is the first to show the server this proof, so the replay cache has never seen it: the server
     * refuses it because it was bound to the client's session with the relay, not to the relay's with the server.
     */
    @Test
    void aBoundProofRelayedIntoAnotherTlsSessionIsRefused() throws Exception {
        long accepted = ForwardFixtures.count(server, "strict proof accepted");
        try (ProofRelay relay = new ProofRelay(port)) {
            String target = "tls://127.0.0.1:" + relay.port();
            // no pin: this client takes the relay's certificate (the SSH host key would still stop a real MITM)
            try (Cli.Running client = Cli.Running.alknetOn(JAVA25, "connect", "--home", keys.dir().toString(),
                    "--socks", "127.0.0.1:0", "--connect-timeout", "20s", "--stealth-key", key.text(), target)) {
                String head = new String(relay.head.get(90, TimeUnit.SECONDS), StandardCharsets.US_ASCII);
                assertTrue(head.startsWith("GET /") && head.endsWith("\r\n\r\n"), head);
                String answer = new String(relay.answer.get(30, TimeUnit.SECONDS), StandardCharsets.US_ASCII);
                assertTrue(answer.startsWith("HTTP/1.1 404 Not Found\r\nServer: nginx\r\n"), answer);
                assertTrue(client.process.waitFor(60, TimeUnit.SECONDS), "a refused proof ends connect");
                assertEquals(1, client.process.exitValue(), client.stderrText());
                assertTrue(client.stderrText().lines().anyMatch(l -> l.equals("alknet: " + target + ": "
                        + StrictProofClient.REFUSED + StrictProofClient.BOUND_HINT)), client.stderrText());
            }
        }
        assertEquals(accepted, ForwardFixtures.count(server, "strict proof accepted"), server.stderrText());
    }

    /** The same relay with an unbound proof (a client on Java 17) gets SSH: the binding is what stops it above. */
    @Test
    void anUnboundProofRelayedTheSameWayGetsSsh() throws Exception {
        long before = ForwardFixtures.count(server, ACCEPTED_UNBOUND);
        try (ProofRelay relay = new ProofRelay(port);
                Cli.Running client = Cli.Running.alknet("connect", "--home", keys.dir().toString(),
                        "--socks", "127.0.0.1:" + E2e.freePort(), "--connect-timeout", "20s",
                        "--stealth-key", key.text(), "tls://127.0.0.1:" + relay.port())) {
            String answer = new String(relay.answer.get(90, TimeUnit.SECONDS), StandardCharsets.US_ASCII);
            assertTrue(answer.startsWith("SSH-2.0-"), answer);
        }
        E2e.await(() -> ForwardFixtures.count(server, ACCEPTED_UNBOUND) > before, Duration.ofSeconds(10),
                server::stderrText);
    }

    @Test
    void requiredRefusesUnboundProofsWithTheWebAnswer() throws Exception {
        try (Cli.Running strict = serve("required")) {
            String url = awaitGroup(strict, "share: alknet://tls/(\\S+)");
            String target = "tls://" + url.substring(0, url.indexOf('?'));
            Cli.Result r = Cli.run("connect", "--home", keys.dir().toString(), "--socks", "127.0.0.1:0",
                    "--connect-timeout", "20s", "alknet://tls/" + url);
            assertEquals(1, r.exit(), r.toString());
            assertTrue(r.stderrLines().contains("alknet: " + target + ": " + StrictProofClient.REFUSED), r.stderr());
            assertFalse(strict.stderrText().contains("strict proof accepted"), strict.stderrText());
        }
    }

    private static String awaitGroup(Cli.Running proc, String regex) throws Exception {
        java.util.regex.Pattern p = java.util.regex.Pattern.compile(regex);
        java.util.regex.Matcher m = p.matcher(proc.awaitLine(l -> p.matcher(l).find(), Duration.ofSeconds(60)));
        assertTrue(m.find());
        return m.group(1);
    }
}
