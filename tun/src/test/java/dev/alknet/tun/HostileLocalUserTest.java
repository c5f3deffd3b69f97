package dev.alknet.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A hostile local user inside the namespace alknet-tun serves (namespace mode: COMMAND starts the victim and the
 * attacker), as root: taking another program's flow at the kernel listener, and remapping a cached fake IP by a
 * flood of names. The destinations live in FAR (see {@link Topo}); the SOCKS stub resolves web.test.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class HostileLocalUserTest {

    private static Topo topo;
    private static SocksStub socks;

    @BeforeAll
    static void start() throws Exception {
        Netns.assumeRoot();
        topo = Topo.create("hl");
        socks = topo.near.call(() -> new SocksStub(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                Map.of("web.test", Topo.DEST), topo.near.threads("stub")));
    }

    @AfterAll
    static void stop() throws Exception {
        if (socks != null) {
            socks.close();
        }
        if (topo != null) {
            topo.close();
        }
    }

    private static Sh.Result tun(List<String> jvm, String script) throws Exception {
        List<String> args = new ArrayList<>(List.of("--socks", "127.0.0.1:" + socks.port(), "-v", "--", "sh", "-c",
                script));
        return Sh.run(topo.near.exec(Sh.helper(jvm, args.toArray(String[]::new)).toArray(String[]::new)), Map.of(),
                Duration.ofSeconds(80));
    }

    private static String probe(String... probes) {
        return String.join(" ", Sh.java("dev.alknet.tun.HostileProbe", probes).stream().map(Sh::q).toList());
    }

    /**
     * The victim's flow waits at the listener; connections from its NAT port on the wrong address, and from the peer
     * address on a wrong port, are reset without a byte, and the victim then gets its own flow, byte for byte.
     */
    @Test
    void anotherProcessCannotTakeAFlowAtTheListener() throws Exception {
        long size = 100_000;
        Sh.Result r = tun(List.of(), "echo 1 > /proc/sys/net/ipv4/ip_nonlocal_bind && "
                + probe("steal/" + Topo.DEST + "/" + topo.world.httpPort() + "/" + size + "/7"));
        assertEquals(0, r.exit(), r.toString());
        Matcher m = Pattern.compile("steal stolen=(\\d+) refused=(\\d+) victim=(\\S+)").matcher(r.out());
        assertTrue(m.find(), r.toString());
        assertEquals("0", m.group(1), "a flow was taken: " + r);
        assertTrue(Integer.parseInt(m.group(2)) >= 17, r.toString());
        assertEquals(World.Blob.sha256(size, 7), m.group(3), "the victim's own bytes: " + r);
        Matcher strangers = Pattern.compile("strangers refused (\\d+)").matcher(r.err());
        assertTrue(strangers.find() && Integer.parseInt(strangers.group(1)) >= 16, r.err());
        assertEquals(1, socks.requests.stream().filter(q -> q.host().equals(Topo.DEST)).count(),
                "one SOCKS CONNECT, the victim's: " + socks.requests);
    }

    /**
     * 600 names into a pool of 256: allocation is not sequential, the pool fills and then says SERVFAIL, and the
     * victim's name, resolved just before, keeps its address: its cached fake IP still reaches web.test.
     */
    @Test
    void aFloodOfNamesDoesNotRemapANameInUse() throws Exception {
        long size = 50_000;
        Sh.Result r = tun(List.of("-D" + FakeIpPool.SIZE_PROPERTY + "=256"),
                probe("flood/" + Net.PEER4_TEXT + "/web.test/600/" + topo.world.httpPort() + "/" + size + "/8"));
        assertEquals(0, r.exit(), r.toString());
        Matcher m = Pattern.compile("flood ok=(\\d+) servfail=(\\d+) sequential=(\\d+) victim=(\\S+) (\\S+) get=(\\S+)")
                .matcher(r.out());
        assertTrue(m.find(), r.toString());
        int ok = Integer.parseInt(m.group(1));
        assertEquals(255, ok, "every free address, then no more: " + r);
        assertEquals(600 - 255, Integer.parseInt(m.group(2)), r.toString());
        assertTrue(Integer.parseInt(m.group(3)) < ok / 4, "allocation looks sequential: " + r);
        assertEquals("same", m.group(4), r.toString());
        assertEquals(World.Blob.sha256(size, 8), m.group(6), "the cached fake IP still means web.test: " + r);
        assertFalse(socks.requests.stream().anyMatch(q -> q.host().startsWith("flood")), socks.requests.toString());
    }
}
