package dev.alknet.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.alknet.testkit.Netns;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A client and a server host with a router between them, as three network namespaces made by the test (removed on
 * close with everything still running in them). The router masquerades the client, as a home or mobile network does,
 * and makes the faults of a real path with nftables and conntrack: refused (reset), blackholed (dropped), the NAT's
 * mapping lost (rebinding), and the client's own address replaced.
 *
 * <pre>
 *   client 10.77.1.2 (c0) --- (r0) 10.77.1.1 router 10.77.2.1, 10.77.2.3 (r1) --- (s0) 10.77.2.2 server
 * </pre>
 */
final class FaultNet implements AutoCloseable {

    static final String CLIENT = "10.77.1.2";
    static final String CLIENT_NEW = "10.77.1.3";
    static final String SERVER = "10.77.2.2";
    static final String NAT_ADDRESS = "10.77.2.1";
    static final String NAT_ADDRESS_NEW = "10.77.2.3";
    private static final String PREFIX = "aknf";

    /** The three hosts' namespaces, in the order they are made; their names end in -c, -r, -s. */
    private final List<Netns> hosts = new ArrayList<>();
    private String client;
    private String router;
    private String server;

    private FaultNet() {
    }

    /** Skips the test unless this machine lets it make namespaces and nftables rules (root, iproute2, nft). */
    static void assumeAvailable() {
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/nft")) && Files.isExecutable(Path.of("/usr/sbin/conntrack")),
                "nftables and conntrack not installed");
        assumeTrue(ProcessHandle.current().info().user().map("root"::equals).orElse(false), "not root");
    }

    static FaultNet create(String tag) throws IOException {
        FaultNet n = new FaultNet();
        try {
            n.client = n.host(tag + "-c");
            n.router = n.host(tag + "-r");
            n.server = n.host(tag + "-s");
            n.build();
        } catch (IOException | RuntimeException e) {
            n.close();
            throw e;
        }
        return n;
    }

    private String host(String tag) throws IOException {
        Netns ns = Netns.create(PREFIX, tag);
        hosts.add(ns);
        return ns.name;
    }

    private void build() throws IOException {
        sh("ip", "-n", client, "link", "add", "c0", "type", "veth", "peer", "name", "r0", "netns", router);
        sh("ip", "-n", server, "link", "add", "s0", "type", "veth", "peer", "name", "r1", "netns", router);
        // an address removed must hand its subnet to the one added (promote), not take it along
        in(client, "sysctl", "-qw", "net.ipv4.conf.c0.promote_secondaries=1");
        sh("ip", "-n", client, "addr", "add", CLIENT + "/24", "dev", "c0");
        sh("ip", "-n", router, "addr", "add", "10.77.1.1/24", "dev", "r0");
        sh("ip", "-n", router, "addr", "add", NAT_ADDRESS + "/24", "dev", "r1");
        sh("ip", "-n", router, "addr", "add", NAT_ADDRESS_NEW + "/24", "dev", "r1");
        sh("ip", "-n", server, "addr", "add", SERVER + "/24", "dev", "s0");
        sh("ip", "-n", client, "link", "set", "c0", "up");
        sh("ip", "-n", router, "link", "set", "r0", "up");
        sh("ip", "-n", router, "link", "set", "r1", "up");
        sh("ip", "-n", server, "link", "set", "s0", "up");
        sh("ip", "-n", client, "route", "add", "default", "via", "10.77.1.1");
        sh("ip", "-n", server, "route", "add", "default", "via", NAT_ADDRESS);
        in(router, "sysctl", "-qw", "net.ipv4.ip_forward=1");
        nft("add table inet fault",
                "add chain inet fault transit { type filter hook forward priority 0 ; }",
                "add chain inet fault tolocal { type filter hook input priority 0 ; }",
                "add table ip nat",
                "add chain ip nat post { type nat hook postrouting priority 100 ; }",
                "add rule ip nat post oifname r1 snat to " + NAT_ADDRESS);
    }

    /** The command line prefix that runs a program on the client host. */
    List<String> onClient() {
        return List.of("ip", "netns", "exec", client);
    }

    /** A file that {@code ip netns exec} on the client host bind-mounts over /etc/FILE (before programs start). */
    void clientEtc(String file, String content) throws IOException {
        hosts.get(0).etc(file, content);
    }

    void serverEtc(String file, String content) throws IOException {
        hosts.get(2).etc(file, content);
    }

    List<String> onServer() {
        return List.of("ip", "netns", "exec", server);
    }

    /** Every packet to or from the server's {@code port} is answered with a reset (tcp) or port unreachable (udp). */
    void refuse(int port) throws IOException {
        rules(port, "reject with tcp reset", "reject");
    }

    /** Every packet to or from the server's {@code port} is dropped: a path gone silent. */
    void blackhole(int port) throws IOException {
        rules(port, "drop", "drop");
    }

    private void rules(int port, String tcpVerdict, String udpVerdict) throws IOException {
        nft("add rule inet fault transit ip daddr " + SERVER + " tcp dport " + port + " " + tcpVerdict,
                "add rule inet fault transit ip saddr " + SERVER + " tcp sport " + port + " " + tcpVerdict,
                "add rule inet fault transit ip daddr " + SERVER + " udp dport " + port + " " + udpVerdict,
                "add rule inet fault transit ip saddr " + SERVER + " udp sport " + port + " " + udpVerdict);
    }

    /** Every UDP datagram to or from the server is dropped (a network that lets only TCP through): quic cannot work. */
    void dropUdp() throws IOException {
        nft("add rule inet fault transit ip daddr " + SERVER + " meta l4proto udp drop",
                "add rule inet fault transit ip saddr " + SERVER + " meta l4proto udp drop");
    }

    /** UDP to the server's {@code port} is dropped on the way (TCP passes): a network that blocks UDP. */
    void dropUdp(int port) throws IOException {
        nft("add rule inet fault transit ip daddr " + SERVER + " udp dport " + port + " drop");
    }

    /**
     * The router's link towards the server gets MTU {@code mtu} (1500 puts it back): the path MTU is lowered, and the
     * router answers a larger DF packet with ICMP "fragmentation needed". Putting it back also forgets what the
     * client learned.
     */
    void serverLinkMtu(int mtu) throws IOException {
        sh("ip", "-n", router, "link", "set", "r1", "mtu", String.valueOf(mtu));
        sh("ip", "-n", client, "route", "flush", "cache");
    }

    /** The client host's namespace name (for /etc/netns/NAME, which {@code ip netns exec} mounts). */
    String clientName() {
        return client;
    }

    /** The path works again. */
    void heal() throws IOException {
        nft("flush chain inet fault transit");
    }

    /**
     * The NAT forgets its mappings and maps the client to another address (a CGNAT or home router restart, a mobile
     * network's rebinding). The server's old socket is left half-open: what it sends to the old mapping is dropped
     * without a reset, as when the router's state is simply gone.
     */
    void rebindNat() throws IOException {
        nft("flush chain ip nat post",
                "add rule ip nat post oifname r1 snat to " + NAT_ADDRESS_NEW,
                "add rule inet fault tolocal ip saddr " + SERVER + " ip daddr " + NAT_ADDRESS + " drop");
        in(router, "conntrack", "-F");
    }

    /** The client's address is replaced by another (a new lease, a roam): the old one is removed. */
    void replaceClientAddress() throws IOException {
        sh("ip", "-n", client, "addr", "add", CLIENT_NEW + "/24", "dev", "c0");
        sh("ip", "-n", client, "addr", "del", CLIENT + "/24", "dev", "c0");
        sh("ip", "-n", client, "route", "replace", "default", "via", "10.77.1.1");
    }

    private void nft(String... commands) throws IOException {
        Path f = Files.createTempFile("alknet-nft-", ".nft");
        try {
            Files.writeString(f, String.join("\n", commands) + "\n");
            in(router, "nft", "-f", f.toString());
        } finally {
            Files.deleteIfExists(f);
        }
    }

    private static void in(String ns, String... cmd) throws IOException {
        List<String> l = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        l.addAll(List.of(cmd));
        sh(l.toArray(String[]::new));
    }

    private static String sh(String... cmd) throws IOException {
        return Netns.sh(cmd);
    }

    @Override
    public void close() {
        hosts.forEach(Netns::close);
    }
}
