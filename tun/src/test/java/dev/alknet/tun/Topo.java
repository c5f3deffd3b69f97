package dev.alknet.tun;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * Two test namespaces joined by a veth pair, standing in for a machine and the rest of the world:
 *
 * <pre>
 *   NEAR (the machine: alknet-tun and the SOCKS port run here)   h0 10.231.0.2/24  fd23:1::2/64
 *       default via 10.231.0.1 / fd23:1::1; /etc/netns/NEAR/resolv.conf: nameserver 10.232.0.1
 *   FAR  (the world)                                              w0 10.231.0.1/24  fd23:1::1/64
 *       lo: 10.232.0.1/32, fd23:2::1/128 (the destinations: web, echo, and UDP sinks on :53 and :5353)
 * </pre>
 *
 * Nothing of the machine's own namespace is touched.
 */
final class Topo implements AutoCloseable {

    static final String NEAR_IP = "10.231.0.2";
    static final String FAR_IP = "10.231.0.1";
    static final String NEAR_IP6 = "fd23:1::2";
    static final String FAR_IP6 = "fd23:1::1";
    static final String DEST = "10.232.0.1";
    static final String DEST6 = "fd23:2::1";

    final Netns near;
    final Netns far;
    World world;

    private Topo(Netns near, Netns far) {
        this.near = near;
        this.far = far;
    }

    static Topo create(String tag) throws Exception {
        Netns near = Netns.create(tag + "n");
        Netns far;
        try {
            far = Netns.create(tag + "f");
        } catch (IOException | RuntimeException e) {
            near.close();
            throw e;
        }
        Topo t = new Topo(near, far);
        try {
            near.ip("link", "add", "h0", "type", "veth", "peer", "name", "w0", "netns", far.name);
            near.ip("addr", "add", NEAR_IP + "/24", "dev", "h0");
            near.ip("-6", "addr", "add", NEAR_IP6 + "/64", "dev", "h0", "nodad");
            // no duplicate address detection: addresses (link-local too) are final before anything looks at them
            Sh.ok(near.exec("sh", "-c", "echo 0 > /proc/sys/net/ipv6/conf/h0/accept_dad").toArray(String[]::new));
            near.ip("link", "set", "h0", "up");
            far.ip("addr", "add", FAR_IP + "/24", "dev", "w0");
            far.ip("-6", "addr", "add", FAR_IP6 + "/64", "dev", "w0", "nodad");
            Sh.ok(far.exec("sh", "-c", "echo 0 > /proc/sys/net/ipv6/conf/w0/accept_dad").toArray(String[]::new));
            far.ip("link", "set", "w0", "up");
            far.ip("addr", "add", DEST + "/32", "dev", "lo");
            far.ip("-6", "addr", "add", DEST6 + "/128", "dev", "lo");
            near.ip("route", "add", "default", "via", FAR_IP);
            near.ip("-6", "route", "add", "default", "via", FAR_IP6);
            near.etc("resolv.conf", "nameserver " + DEST + "\n");
            t.world = far.call(() -> new World(far.threads("far"), List.of(
                    new InetSocketAddress(InetAddress.getByName(DEST), 53),
                    new InetSocketAddress(InetAddress.getByName(DEST), 5353),
                    new InetSocketAddress(InetAddress.getByName(DEST6), 53),
                    new InetSocketAddress(InetAddress.getByName(DEST6), 5353))));
            t.world.proveSinksCount(near);
            return t;
        } catch (Exception e) {
            t.close();
            throw e;
        }
    }

    @Override
    public void close() {
        if (world != null) {
            try {
                world.close();
            } catch (IOException e) {
                // the namespace goes anyway
            }
        }
        near.close();
        far.close();
    }
}
