package dev.alknet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.alknet.client.AlknetClient;
import dev.alknet.client.forward.Forwards;
import dev.alknet.client.socks.SocksOptions;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Two real {@code alknet serve} processes (ids a and b, {@code --proxy-protocol-from 127.0.0.1}) behind a real
 * HAProxy in tcp mode with {@code send-proxy-v2} and the resume stick rule of docs/scaling.md. Clients reach
 * HAProxy through relays that dial from 127.0.0.2 / .3 / .4, which play addresses elsewhere: the key's
 * {@code from="127.0.0.2"}, {@code --max-conns-per-ip} and the logs see those, not HAProxy's 127.0.0.1. A PROXY
 * header sent straight to a server from an untrusted address is refused; a trusted source without a header is
 * closed unheard; resumes land on the server holding the session; a killed server's client moves to the other.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LoadBalancerEndToEndTest {

    private static final Path HAPROXY = Path.of("/usr/sbin/haproxy");
    private static E2e.Keys keys;
    private static Cli.Running a;
    private static Cli.Running b;
    private static int portA;
    private static int portB;
    private static String metricsA;
    private static String metricsB;
    private static Process haproxy;
    private static int lbPort;
    private static int onlyAPort;
    private static WebServer web;
    private static final List<AutoCloseable> closing = new ArrayList<>();
    private static AlknetClient elsewhereClient;
    private static AlknetClient attackerClient;
    private static Cli.Running client;
    private static SourceRelay relay;
    private static int socks;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Files.isExecutable(HAPROXY), "haproxy not installed");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/curl")), "curl not installed");
        keys = E2e.keys();
        String line = Files.readString(keys.home().authorizedKeys());
        Files.writeString(keys.home().authorizedKeys(), "from=\"127.0.0.2\" " + line);
        a = serve("a");
        b = serve("b");
        portA = port(a);
        portB = port(b);
        metricsA = group(a, "metrics on (http://\\S+/metrics)");
        metricsB = group(b, "metrics on (http://\\S+/metrics)");
        lbPort = E2e.freePort();
        onlyAPort = E2e.freePort();
        int readyPort = E2e.freePort();
        Path cfg = keys.dir().resolve("haproxy.cfg");
        Files.writeString(cfg, String.join("\n",
                "global",
                "  maxconn 500",
                "defaults",
                "  mode tcp",
                "  timeout connect 3s",
                "  timeout client 120s",
                "  timeout server 120s",
                "  retries 2",
                "  option redispatch",
                "frontend ready",
                "  bind 127.0.0.1:" + readyPort,
                "  tcp-request connection reject",
                "frontend lb",
                "  bind 127.0.0.1:" + lbPort,
                // docs/scaling.md: wait for a resume hello's server id; anything else goes on at once
                "  tcp-request inspect-delay 5s",
                "  tcp-request content accept if { req.len ge 32 }",
                "  tcp-request content accept if { req.len ge 15 } !{ req.payload(0,15) -m str SSH-2.0-alknet- }",
                "  default_backend alknet",
                "backend alknet",
                "  balance roundrobin",
                "  use-server a if { req.payload(24,8) -m str 0000000a }",
                "  use-server b if { req.payload(24,8) -m str 0000000b }",
                "  server a 127.0.0.1:" + portA + " send-proxy-v2 check check-send-proxy inter 1s fall 1 rise 1",
                "  server b 127.0.0.1:" + portB + " send-proxy-v2 check check-send-proxy inter 1s fall 1 rise 1",
                "frontend only_a",
                "  bind 127.0.0.1:" + onlyAPort,
                "  default_backend only_a",
                "backend only_a",
                "  server a 127.0.0.1:" + portA + " send-proxy-v2",
                ""));
        haproxy = new ProcessBuilder(HAPROXY.toString(), "-db", "-f", cfg.toString())
                .redirectErrorStream(true).redirectOutput(keys.dir().resolve("haproxy.log").toFile()).start();
        E2e.await(() -> connects(readyPort), Duration.ofSeconds(20), () -> "haproxy up: " + haproxyLog());
        web = new WebServer();
        // the clients start together; each test awaits its own. The real `alknet connect` is the one whose
        // carriers are cut; the two that must fail run in this JVM (no JVM start-up for them)
        relay = closeLater(new SourceRelay("127.0.0.2", lbPort, null));
        socks = E2e.freePort();
        client = closeLater(connect(relay.port(), socks));
        SourceRelay elsewhere = closeLater(new SourceRelay("127.0.0.4", lbPort, null));
        elsewhereClient = closeLater(inProcess(elsewhere.port()));
        // the attacker holds the key but is not at 127.0.0.2: it claims to be, talking to a server directly
        byte[] forged = ("PROXY TCP4 127.0.0.2 127.0.0.1 40000 " + portA + "\r\n").getBytes(StandardCharsets.US_ASCII);
        SourceRelay attacker = closeLater(new SourceRelay("127.0.0.5", portA, forged));
        attackerClient = closeLater(inProcess(attacker.port()));
    }

    private static AlknetClient inProcess(int port) throws IOException {
        return AlknetClient.start(List.of(E2e.clientOptions(keys, port)), Duration.ofSeconds(1),
                new InetSocketAddress("127.0.0.1", 0), Forwards.NONE, SocksOptions.defaults());
    }

    private static <T extends AutoCloseable> T closeLater(T c) {
        closing.add(c);
        return c;
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
        if (haproxy != null) {
            haproxy.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        for (Cli.Running s : new Cli.Running[] {a, b}) {
            if (s != null) {
                s.close();
            }
        }
        if (web != null) {
            web.close();
        }
    }

    @Test
    @Order(1)
    void fromSeesTheRealClientAddress() throws Exception {
        E2e.await(() -> both("auth failure from 127.0.0.4") >= 1, Duration.ofSeconds(40),
                () -> "the key's from= refuses 127.0.0.4:\n" + a.stderrText() + b.stderrText());
        E2e.await(() -> elsewhereClient.lastError() != null, Duration.ofSeconds(20), () -> "no session from 127.0.0.4");
        assertEquals(0, both("auth failure from 127.0.0.1"), "HAProxy's own address is never taken for the client");
    }

    @Test
    @Order(2)
    void perAddressLimitCountsTheRealClient() throws Exception {
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) { // --max-conns-per-ip 3: the fourth from 127.0.0.3 is refused
                Socket s = new Socket();
                s.bind(new InetSocketAddress("127.0.0.3", 0));
                s.connect(new InetSocketAddress("127.0.0.1", onlyAPort), 5000);
                held.add(s);
            }
            E2e.await(() -> ForwardFixtures.count(a, "connection limit from 127.0.0.3: refused") == 1,
                    Duration.ofSeconds(20), a::stderrText);
            assertEquals(0, ForwardFixtures.count(a, "connection limit from 127.0.0.1"), "HAProxy itself not limited"
                    + a.stderrText());
        } finally {
            held.forEach(E2e::closeQuietly);
        }
    }

    @Test
    @Order(3)
    void forgedHeaderFromAnUntrustedSourceIsRefused() throws Exception {
        E2e.await(() -> ForwardFixtures.count(a, "refused a PROXY header from /127.0.0.5") >= 1,
                Duration.ofSeconds(40), a::stderrText);
        E2e.await(() -> attackerClient.lastError() != null, Duration.ofSeconds(20), () -> "no session for the attacker");
        assertEquals(0, both("auth failure from 127.0.0.5"), "refused before SSH");
    }

    @Test
    @Order(4)
    void trustedSourceWithoutHeaderIsClosedUnheard() throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), portA)) {
            s.setSoTimeout(20_000);
            s.getOutputStream().write("SSH-2.0-OpenSSH_9.2\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            int first;
            try {
                first = in.read();
            } catch (java.net.SocketException reset) {
                first = -1;
            }
            assertEquals(-1, first, "no banner for a trusted peer that sent no PROXY header");
        }
    }

    /** Carrier cuts behind HAProxy: every resume lands on the server holding the session (roundrobin alone would
     *  alternate), then the server is killed and the client moves to the other one. */
    @Test
    @Order(5)
    void resumesStickToTheirServerAndAKilledServersClientMovesOn() throws Exception {
        Cli.Running c = client;
        c.awaitLine(l -> l.contains("resumable carrier"), Duration.ofSeconds(60));
        fetch(socks);
        for (int i = 1; i <= 2; i++) {
            relay.cut();
            int n = i;
            E2e.await(() -> ForwardFixtures.count(c, "resumed after") == n, Duration.ofSeconds(30),
                    () -> "resume " + n + " behind HAProxy:\n" + c.stderrText());
            fetch(socks);
        }
        assertEquals(0, ForwardFixtures.count(c, "tunnel up again"), "never a new session: " + c.stderrText());
        assertEquals(0, both("refused a resume"));
        boolean onA = sessionsOpen(metricsA) == 1;
        Cli.Running holder = onA ? a : b;
        String other = onA ? metricsB : metricsA;
        assertEquals(1, sessionsOpen(onA ? metricsA : metricsB), "the session is on one server");

        holder.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        E2e.await(() -> ForwardFixtures.count(c, "tunnel up again") == 1, Duration.ofSeconds(60),
                () -> "moved to the other server:\n" + c.stderrText());
        fetch(socks);
        assertEquals(1, sessionsOpen(other), "the other server holds it now");
    }

    // ---- ----

    private static Cli.Running serve(String id) throws IOException {
        return Cli.Running.alknet("serve", "--home", keys.dir().toString(), "--listen", "tcp://127.0.0.1:0",
                "--allow", "loopback", "--metrics", "127.0.0.1:0", "--proxy-protocol-from", "127.0.0.1/32",
                "--server-id", id, "--max-conns-per-ip", "3");
    }

    private static Cli.Running connect(int port, int socks) throws IOException {
        return Cli.Running.alknet("connect", "tcp://127.0.0.1:" + port, "--home", keys.dir().toString(),
                "--socks", "127.0.0.1:" + socks);
    }

    private static int port(Cli.Running server) throws Exception {
        return Integer.parseInt(group(server, "listening on tcp://127\\.0\\.0\\.1:(\\d+)"));
    }

    /** The first group of {@code regex} in a stderr line of {@code proc}; a loaded CI machine may take a while. */
    private static String group(Cli.Running proc, String regex) throws IOException, InterruptedException {
        Pattern p = Pattern.compile(regex);
        Matcher m = p.matcher(proc.awaitLine(l -> p.matcher(l).find(), Duration.ofSeconds(90)));
        m.find();
        return m.group(1);
    }

    private static long both(String fragment) {
        return ForwardFixtures.count(a, fragment) + ForwardFixtures.count(b, fragment);
    }

    private static void fetch(int socks) throws IOException, InterruptedException {
        Path out = keys.dir().resolve("out.bin");
        Curl.Result r = Curl.fetch("127.0.0.1:" + socks, "http://127.0.0.1:" + web.port() + "/blob?size=300000", out);
        assertEquals(0, r.exit(), r.stderr());
        assertEquals(300_000, Files.size(out));
    }

    private static boolean connects(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String haproxyLog() {
        try {
            return Files.readString(keys.dir().resolve("haproxy.log"));
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static double sessionsOpen(String url) {
        try {
            Process p = new ProcessBuilder("curl", "-sS", "--max-time", "10", url).redirectErrorStream(true).start();
            String body = new String(p.getInputStream().readAllBytes());
            p.waitFor(15, TimeUnit.SECONDS);
            Matcher m = Pattern.compile("(?m)^alknet_sessions_open (\\S+)$").matcher(body);
            return m.find() ? Double.parseDouble(m.group(1)) : -1;
        } catch (IOException | InterruptedException e) {
            return -1;
        }
    }
}
