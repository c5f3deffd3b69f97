package dev.alknet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.alknet.core.keys.KeyFiles;
import dev.alknet.testkit.Netns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 26: {@code alknet doctor} names what is wrong on a real path. One real {@code alknet serve} (tls and quic on
 * one port) behind a router namespace ({@link FaultNet}); the doctor runs on the client host while the router drops
 * UDP, while a foreign rule sends a resolver around a running {@code alknet-tun --route-all} (a DNS leak path) and the
 * SOCKS port is open on every interface, and while the router's link to the server has MTU 1200. The lowered MTU goes
 * last: what the client learned of it stays in its route cache.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DoctorEndToEndTest {

    private static final int PORT = 8443;
    private static final int SOCKS = 1080;
    private static final String TLS = "tls://" + FaultNet.SERVER + ":" + PORT;
    private static final String QUIC = "quic://" + FaultNet.SERVER + ":" + PORT;

    private static FaultNet net;
    private static Path home;
    private static Cli.Running serve;

    @BeforeAll
    static void start() throws Exception {
        FaultNet.assumeAvailable();
        net = FaultNet.create("doc");
        home = Files.createTempDirectory("alknet-doctor-");
        KeyFiles.LoadedKey id = KeyFiles.loadOrCreate(home.resolve("id_ed25519"), "doctor");
        Files.writeString(home.resolve("authorized_keys"), KeyFiles.publicKeyLine(id.pair().getPublic(), "doctor") + "\n");
        serve = Cli.Running.start(Cli.command(net.onServer(), "dev.alknet.cli.Main", "serve", "--home",
                home.toString(), "--listen", TLS, "--listen", QUIC), Map.of());
        serve.awaitLine(l -> l.contains("listening on quic://"), Duration.ofSeconds(60));
        serve.awaitLine(l -> l.contains("listening on tls://"), Duration.ofSeconds(10));
    }

    @AfterAll
    static void stop() throws Exception {
        if (serve != null) {
            serve.close();
        }
        if (net != null) {
            net.close();
        }
    }

    private static Cli.Result doctor(String... args) throws Exception {
        List<String> a = new ArrayList<>(List.of("doctor", "--home", home.toString(), "--connect-timeout", "8s"));
        a.addAll(List.of(args));
        return Cli.runCommand(Cli.command(net.onClient(), "dev.alknet.cli.Main", a.toArray(String[]::new)), Map.of(),
                Duration.ofSeconds(90));
    }

    private static void hasLine(Cli.Result r, String start) {
        assertTrue(r.stdout().lines().anyMatch(l -> l.startsWith(start)), "no line starting '" + start + "' in\n" + r);
    }

    @Test
    @Order(1)
    void aHealthyPathPassesAndJsonSaysSo() throws Exception {
        Cli.Result r = doctor("--json", TLS, QUIC);
        assertEquals(0, r.exit(), r.toString());
        JsonNode root = new ObjectMapper().readTree(r.stdout());
        assertTrue(root.get("ok").asBoolean(), r.toString());
        List<String> seen = new ArrayList<>();
        for (JsonNode c : root.get("checks")) {
            assertTrue(c.has("detail") && c.has("fix") && List.of("ok", "warn", "fail", "skip")
                    .contains(c.get("status").asText()), c.toString());
            seen.add(c.get("check").asText() + "=" + c.get("status").asText());
        }
        // a fresh known_hosts: the host key is new, a warning (connect trusts it on first use), not a failure
        assertTrue(seen.containsAll(List.of("tls=ok", "quic=ok", "udp=ok", "hostkey=warn", "pin=ok", "clock=skip",
                "mtu=ok", "socks=ok", "tun=skip")), seen.toString());
    }

    @Test
    @Order(2)
    void blockedUdpIsNamed() throws Exception {
        net.dropUdp(PORT);
        try {
            Cli.Result r = doctor(TLS, QUIC);
            assertEquals(1, r.exit(), r.toString());
            hasLine(r, "ok    tls     " + TLS + " reachable");
            hasLine(r, "FAIL  udp     UDP to " + FaultNet.SERVER + ":" + PORT + " is blocked: quic gets no answer where"
                    + " tls to the same host works: use " + TLS);
        } finally {
            net.heal();
        }
    }

    @Test
    @Order(3)
    void dnsLeakPathAndOpenSocksUnderAlknetTunAreNamed() throws Exception {
        assumeTrue(Files.exists(Path.of("/dev/net/tun")), "needs /dev/net/tun");
        Path etc = Path.of("/etc/netns", net.clientName());
        try (Cli.Running connect = Cli.Running.start(Cli.command(net.onClient(), "dev.alknet.cli.Main", "connect",
                TLS, "--home", home.toString(), "--socks", "0.0.0.0:" + SOCKS), Map.of())) {
            connect.awaitLine(l -> l.contains("resumable carrier"), Duration.ofSeconds(60));
            List<String> tun = new ArrayList<>(net.onClient());
            tun.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                    Cli.classPath(), "dev.alknet.tun.Main", "--route-all", "--socks", "127.0.0.1:" + SOCKS,
                    "--server", FaultNet.SERVER, "--state", home.resolve("tun.state").toString()));
            try (Cli.Running routeAll = Cli.Running.start(tun, Map.of("SUDO_UID", "", "SUDO_GID", ""))) {
                routeAll.awaitLine(l -> l.contains("routing all traffic"), Duration.ofSeconds(60));
                // the client's resolvers: .53 is sent around the TUN by a foreign rule (as other VPN software
                // leaves them), .54 is not
                Files.createDirectories(etc);
                Files.writeString(etc.resolve("resolv.conf"), "nameserver 10.77.2.53\nnameserver 10.77.2.54\n");
                Netns.sh("ip", "-n", net.clientName(), "rule", "add", "pref", "100", "to", "10.77.2.53", "lookup",
                        "main");
                Cli.Result r = doctor("--socks", "0.0.0.0:" + SOCKS, TLS);
                assertEquals(1, r.exit(), r.toString());
                hasLine(r, "FAIL  dns     DNS leak: queries to resolver 10.77.2.53 (/etc/resolv.conf) leave via c0,"
                        + " outside the tunnel");
                hasLine(r, "ok    dns     queries to resolver 10.77.2.54 go into alktun0");
                hasLine(r, "ok    route   server " + FaultNet.SERVER + " tcp/" + PORT + " leaves via c0");
                hasLine(r, "ok    ipv6    ");
                hasLine(r, "FAIL  socks   SOCKS 0.0.0.0:" + SOCKS + " lets anyone who reaches " + FaultNet.CLIENT);
                hasLine(r, "ok    tls     " + TLS + " reachable");
                routeAll.terminate(Duration.ofSeconds(20));
            }
        } finally {
            Files.deleteIfExists(etc.resolve("resolv.conf"));
            Files.deleteIfExists(etc);
        }
    }

    @Test
    @Order(4)
    void aLoweredPathMtuIsNamed() throws Exception {
        net.serverLinkMtu(1200);
        try {
            Cli.Result r = doctor(TLS, QUIC);
            assertEquals(1, r.exit(), r.toString());
            hasLine(r, "FAIL  mtu     path MTU to " + FaultNet.SERVER + " is 1200 (link c0 1500): QUIC's 1200-byte"
                    + " datagrams (1228 with headers) do not fit: use tls://");
        } finally {
            net.serverLinkMtu(1500);
        }
    }
}
