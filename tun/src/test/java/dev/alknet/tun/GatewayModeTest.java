package dev.alknet.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code alknet-tun --gateway g0} in the NEAR namespace of {@link Topo} (the gateway; a TCP relay to FAR's SOCKS
 * stub plays the alknet client), with a third namespace LAN (10.233.0.2) whose default route is the gateway's g0
 * (10.233.0.1). What LAN fetches arrives byte-exact through the tunnel (names too, resolved by the server); the
 * web server never sees LAN's address; the gateway's own traffic still goes its own way; a stop restores the
 * gateway's rules, routes and IP forwarding.
 */
@Timeout(value = 80, unit = TimeUnit.SECONDS)
class GatewayModeTest {

    @Test
    void lanHostReachesTheWorldThroughTheTunnelAndTheGatewayIsLeftAsItWas() throws Exception {
        Netns.assumeRoot();
        Path dir = Files.createTempDirectory("atun-gw-");
        try (Topo topo = Topo.create("gw");
                Netns lan = Netns.create("gwl");
                SocksStub server = topo.far.call(() -> new SocksStub(new InetSocketAddress(
                        InetAddress.getByName(Topo.FAR_IP), 1080), Map.of("web.test", Topo.DEST),
                        topo.far.threads("server")));
                TcpRelay client = topo.near.call(() -> new TcpRelay(new InetSocketAddress(
                        InetAddress.getLoopbackAddress(), 0), new InetSocketAddress(InetAddress.getByName(Topo.FAR_IP),
                        1080), topo.near.threads("client")))) {
            topo.near.ip("link", "add", "g0", "type", "veth", "peer", "name", "l0", "netns", lan.name);
            topo.near.ip("addr", "add", "10.233.0.1/24", "dev", "g0");
            topo.near.ip("link", "set", "g0", "up");
            lan.ip("addr", "add", "10.233.0.2/24", "dev", "l0");
            lan.ip("link", "set", "l0", "up");
            lan.ip("route", "add", "default", "via", "10.233.0.1");
            lan.etc("resolv.conf", "nameserver " + Topo.DEST + "\n");
            String before = snapshot(topo.near);
            Path state = dir.resolve("gw.state");
            Path err = dir.resolve("helper.err");
            List<String> cmd = topo.near.exec(Sh.helper("--socks", "127.0.0.1:" + client.port(), "--gateway", "g0",
                    "--no-ipv6", "--state", state.toString(), "-v").toArray(String[]::new));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(err.toFile())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            Sh.clean(pb.environment());
            Process helper = pb.start();
            try {
                awaitLine(helper, err, "routing traffic arriving on g0");
                long size = 2L << 20;
                String url = "http://" + Topo.DEST + ":" + topo.world.httpPort() + "/blob?size=" + size + "&seed=";
                String byName = "http://web.test:" + topo.world.httpPort() + "/blob?size=" + size + "&seed=9";
                Sh.Result r = Sh.run(lan.exec("sh", "-c", "curl -gsS --max-time 30 -o " + dir.resolve("a") + " '"
                        + url + "8' && curl -gsS --max-time 30 -o " + dir.resolve("b") + " '" + byName + "'"),
                        Map.of(), Duration.ofSeconds(60));
                assertEquals(0, r.exit(), r + "\n" + Files.readString(err));
                assertEquals(World.Blob.sha256(size, 8), Files2.sha256(dir.resolve("a")), "byte-exact");
                assertEquals(World.Blob.sha256(size, 9), Files2.sha256(dir.resolve("b")), "byte-exact, by name");
                assertTrue(server.asked(3, "web.test"), "the name went to the server: " + server.requests);
                assertFalse(topo.world.httpPeers.contains("10.233.0.2"), "LAN reached the world directly");
                assertEquals("1", sysctl(topo.near, "/proc/sys/net/ipv4/ip_forward"));

                // the gateway's own traffic is not captured: it reaches the web server from its own address
                Sh.Result own = Sh.run(topo.near.exec("curl", "-gsS", "--max-time", "20", "-o", "/dev/null", url + "1"),
                        Map.of(), Duration.ofSeconds(30));
                assertEquals(0, own.exit(), own.toString());
                assertTrue(topo.world.httpPeers.contains(Topo.NEAR_IP), topo.world.httpPeers.toString());
            } finally {
                helper.destroy();
                assertTrue(helper.waitFor(15, TimeUnit.SECONDS));
            }
            assertTrue(Files.readString(err).contains("routes restored"), Files.readString(err));
            assertEquals(before, snapshot(topo.near), "the gateway's rules, routes and links as before");
            assertEquals("0", sysctl(topo.near, "/proc/sys/net/ipv4/ip_forward"), "forwarding as before");
        } finally {
            try (var files = Files.walk(dir)) {
                for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** A /proc/sys value as the namespace sees it (the test JVM itself is in the machine's namespace). */
    private static String sysctl(Netns ns, String path) throws Exception {
        return Sh.run(ns.exec("cat", path), Map.of(), Duration.ofSeconds(10)).out().trim();
    }

    private static String snapshot(Netns ns) throws Exception {
        // IPv6 routes are left out: g0's link-local address and its local route appear on their own, late
        return ns.ip("rule") + "\n" + ns.ip("-6", "rule") + "\n" + ns.ip("-4", "route", "show", "table", "all")
                + "\n" + ns.ip("-o", "link", "show").lines().map(l -> l.replaceAll(">.*", ">")).toList();
    }

    private static void awaitLine(Process p, Path stderr, String text) throws Exception {
        for (int i = 0; i < 600; i++) {
            if (Files.readString(stderr).contains(text)) {
                return;
            }
            if (!p.isAlive()) {
                throw new AssertionError("helper exited " + p.exitValue() + ":\n" + Files.readString(stderr));
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no '" + text + "' within 30 s:\n" + Files.readString(stderr));
    }
}
