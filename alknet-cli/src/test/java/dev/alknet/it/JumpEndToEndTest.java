package dev.alknet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.alknet.core.keys.KeyFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code alknet connect tcp://c --jump tcp://a --jump tls://b} between four real processes: SOCKS traffic exits at c
 * (a may dial only b, b only c, and only c the web server: an exit anywhere else would be refused), byte-exact; a cut
 * of the first hop's carrier while a transfer runs through both jumps is resumed and the transfer completes intact;
 * a changed host key on the innermost hop or on the first jump refuses the connection with one line and a non-zero
 * exit.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class JumpEndToEndTest {

    private static final long SIZE = 4L * 1024 * 1024;

    private static WebServer web;
    private static CarrierRelay relay;
    private static Cli.Running a;
    private static Cli.Running b;
    private static Cli.Running c;
    private static Cli.Running client;
    private static E2e.Keys clientKeys;
    private static E2e.Keys keysA;
    private static E2e.Keys keysC;
    private static int portB;
    private static int portC;
    private static String socks;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/curl")), "curl not installed");
        web = new WebServer();
        clientKeys = E2e.keys();
        keysA = server();
        E2e.Keys keysB = server();
        keysC = server();
        int portA = E2e.freePort();
        portB = E2e.freePort();
        portC = E2e.freePort();
        relay = new CarrierRelay(portA);
        // each hop may reach only the next one: the web server is reachable from c alone
        a = Cli.Running.alknet("serve", "--home", keysA.dir().toString(), "--listen", "tcp://127.0.0.1:" + portA,
                "--allow", "127.0.0.1:" + portB);
        b = Cli.Running.alknet("serve", "--home", keysB.dir().toString(), "--listen", "tls://127.0.0.1:" + portB,
                "--allow", "127.0.0.1:" + portC);
        c = Cli.Running.alknet("serve", "--home", keysC.dir().toString(), "--listen", "tcp://127.0.0.1:" + portC,
                "--allow", "127.0.0.1:" + web.port());
        // the client starts with the servers: each hop is retried until it answers
        client = Cli.Running.alknet("connect", "tcp://127.0.0.1:" + portC, "--home", clientKeys.dir().toString(),
                "--jump", "tcp://127.0.0.1:" + relay.port(), "-J", "tls://127.0.0.1:" + portB,
                "--socks", "127.0.0.1:0");
        client.awaitLine(l -> l.contains("tunnel up: tcp://127.0.0.1:" + portC), Duration.ofSeconds(120));
        socks = "127.0.0.1:" + ForwardFixtures.awaitGroup(client, "SOCKS5h proxy on /127\\.0\\.0\\.1:(\\d+)");
    }

    /** A server home whose authorized_keys holds the client's key (each server has its own host key). */
    private static E2e.Keys server() throws Exception {
        E2e.Keys k = E2e.keys();
        Files.copy(clientKeys.home().authorizedKeys(), k.home().authorizedKeys(), StandardCopyOption.REPLACE_EXISTING);
        return k;
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable x : new AutoCloseable[] {client, a, b, c, relay, web}) {
            if (x != null) {
                x.close();
            }
        }
    }

    @Test
    void socksTrafficExitsAtTheLastServerByteExact() throws Exception {
        Path out = clientKeys.dir().resolve("through-jumps");
        Curl.Result r = Curl.fetch(socks, "http://127.0.0.1:" + web.port() + "/blob?size=" + SIZE + "&seed=3", out);
        assertEquals(0, r.exit(), r.stderr() + "\nclient:\n" + client.stderrText());
        assertEquals(WebServer.Blob.sha256(SIZE, 3), Files2.sha256(out));
        Files.delete(out);
        // each hop's host key went into its own known_hosts entry
        String known = Files.readString(clientKeys.home().knownHosts());
        for (int port : new int[] {relay.port(), portB, portC}) {
            assertTrue(known.contains("[127.0.0.1]:" + port + " "), known);
        }
    }

    @Test
    void cutOfTheFirstHopsCarrierIsResumedUnderATransfer() throws Exception {
        Path out = clientKeys.dir().resolve("across-cut");
        long size = 6L * 1024 * 1024;
        int carriers = relay.connectionsSoFar();
        CompletableFuture<Curl.Result> fetch = CompletableFuture.supplyAsync(() -> {
            try {
                return Curl.fetch(socks, "http://127.0.0.1:" + web.port() + "/blob?size=" + size + "&seed=5", out,
                        "--limit-rate", "2M");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        E2e.await(() -> Files.exists(out) && sizeOf(out) >= 512 * 1024 || fetch.isDone(),
                Duration.ofSeconds(90), () -> "the transfer to start");
        assertFalse(fetch.isDone(), "transfer ended before the cut: " + fetch.getNow(null));
        relay.cut();
        Curl.Result r = fetch.get(150, TimeUnit.SECONDS);
        assertEquals(0, r.exit(), r.stderr() + "\nclient:\n" + client.stderrText());
        assertEquals(WebServer.Blob.sha256(size, 5), Files2.sha256(out));
        Files.delete(out);
        assertTrue(relay.connectionsSoFar() > carriers, "no new carrier after the cut");
        client.awaitLine(l -> l.contains("resumed after"), Duration.ofSeconds(30));
        assertFalse(client.stderrText().contains("tunnel lost"), client.stderrText());
    }

    /** The innermost hop (the server, reached through both jumps) and the first jump host. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"server", "first jump"})
    void changedHostKeyOnAnyHopIsRefusedWithOneLine(String hop) throws Exception {
        int port = hop.equals("server") ? portC : relay.port();
        E2e.Keys forged = E2e.keys();
        Files.copy(clientKeys.home().identity(), forged.home().identity(), StandardCopyOption.REPLACE_EXISTING);
        // every hop as recorded, but this one's entry names another server's key
        String otherKey = KeyFiles.publicKeyLine((hop.equals("server") ? keysA : keysC).hostKey().getPublic(), "x");
        String known = Files.readString(clientKeys.home().knownHosts()).lines()
                .filter(l -> !l.startsWith("[127.0.0.1]:" + port + " ")).reduce("", (x, y) -> x + y + "\n")
                + "[127.0.0.1]:" + port + " " + otherKey + "\n";
        Files.writeString(forged.home().knownHosts(), known);
        Cli.Result r = Cli.runCommand(Cli.command(List.of(), "dev.alknet.cli.Main", "connect",
                "tcp://127.0.0.1:" + portC, "--home", forged.dir().toString(), "--jump", "tcp://127.0.0.1:"
                + relay.port(), "--jump", "tls://127.0.0.1:" + portB, "--socks", "127.0.0.1:0"), Map.of(),
                Duration.ofSeconds(150));
        assertNotEquals(0, r.exit(), r.toString());
        List<String> lines = r.stderrLines();
        String last = lines.get(lines.size() - 1);
        String expected = (hop.equals("server") ? "alknet: " : "alknet: jump host tcp://127.0.0.1:" + port + ": ")
                + "HOST KEY CHANGED for [127.0.0.1]:" + port;
        assertTrue(last.startsWith(expected), r.toString());
        assertFalse(r.stderr().contains("\tat "), r.toString());
    }

    private static long sizeOf(Path p) {
        try {
            return Files.size(p);
        } catch (java.io.IOException e) {
            return 0;
        }
    }
}
