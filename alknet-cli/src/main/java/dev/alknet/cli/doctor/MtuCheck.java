package dev.alknet.cli.doctor;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketOption;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The path MTU to a server, measured: one UDP datagram as large as the outgoing link allows is sent with DF set to
 * the server's port; a router with a smaller MTU on the way drops it and answers ICMP "fragmentation needed", which
 * the kernel records against the route ({@code ip route get} then shows {@code mtu N}); repeated at that size until
 * no smaller hop answers (a few rounds). A path that drops such ICMP cannot be seen this way and reads as the link's.
 * QUIC needs its 1200-byte datagrams to fit; TCP (tcp, tls, ws, wss) adapts to whatever the path takes.
 */
public final class MtuCheck implements Check {

    /** The smallest UDP payload every QUIC path must carry (RFC 9000 section 14). */
    static final int QUIC_DATAGRAM = 1200;
    private static final int ROUNDS = 4;
    private static final long WAIT_MS = 1000;

    private final String host;
    private final int port;
    private final boolean quic;

    /** @param port the UDP port probed: the quic port where there is one (the same path through firewalls) */
    public MtuCheck(String host, int port, boolean quic) {
        this.host = host;
        this.port = port;
        this.quic = quic;
    }

    @Override
    public String name() {
        return "mtu";
    }

    @Override
    public List<Verdict> run() {
        InetAddress ip;
        try {
            ip = InetAddress.getByName(host);
        } catch (IOException e) {
            return List.of(Verdict.skip(name(), "cannot resolve " + host + ": path MTU not measured"));
        }
        String address = ip.getHostAddress();
        try {
            RouteLookup.Route route = RouteLookup.get(address, null, 0);
            if (route.blocked() || route.dev() == null) {
                return List.of(Verdict.skip(name(), "no route to " + address + " (" + route.text() + ")"));
            }
            int link = linkMtu(route.dev());
            int pmtu = probe(ip, Math.min(link, route.mtu() != null ? route.mtu() : link));
            return List.of(judge(address, route.dev(), link, pmtu, quic));
        } catch (IOException e) {
            return List.of(Verdict.skip(name(), "path MTU to " + address + " not measured: " + e.getMessage()));
        }
    }

    private int probe(InetAddress ip, int start) throws IOException {
        int header = header(ip);
        int guess = start;
        try (DatagramChannel ch = DatagramChannel.open(ip.getAddress().length == 4 ? StandardProtocolFamily.INET
                : StandardProtocolFamily.INET6)) {
            dontFragment(ch);
            ch.connect(new InetSocketAddress(ip, port));
            for (int round = 0; round < ROUNDS && guess > header; round++) {
                try {
                    ch.write(ByteBuffer.allocate(guess - header));
                } catch (IOException e) {
                    // EMSGSIZE (the kernel already knows a smaller MTU) or an ICMP error of the last round
                }
                Integer learned = awaitSmaller(ip.getHostAddress(), guess);
                if (learned == null) {
                    break;
                }
                guess = learned;
            }
        }
        return guess;
    }

    /** Polls the route (bounded) for a path MTU below {@code than} that an ICMP answer taught the kernel. */
    private static Integer awaitSmaller(String address, int than) throws IOException {
        long end = System.nanoTime() + WAIT_MS * 1_000_000;
        do {
            Integer mtu = RouteLookup.get(address, null, 0).mtu();
            if (mtu != null && mtu < than) {
                return mtu;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        } while (System.nanoTime() < end);
        return null;
    }

    /** DF on every datagram and EMSGSIZE past the known path MTU (Java 19+; Linux's default sets DF as well). */
    @SuppressWarnings("unchecked")
    private static void dontFragment(DatagramChannel ch) {
        try {
            Object option = Class.forName("jdk.net.ExtendedSocketOptions").getField("IP_DONTFRAGMENT").get(null);
            ch.setOption((SocketOption<Boolean>) option, true);
        } catch (ReflectiveOperationException | IOException | UnsupportedOperationException e) {
            // the kernel's default (IP_PMTUDISC_WANT) still sets DF on a datagram that fits the link
        }
    }

    static int header(InetAddress ip) {
        return ip.getAddress().length == 4 ? 28 : 48;
    }

    private static int linkMtu(String dev) throws IOException {
        Path p = Path.of("/sys/class/net", dev, "mtu");
        try {
            return Integer.parseInt(Files.readString(p).trim());
        } catch (NumberFormatException e) {
            throw new IOException("unreadable " + p);
        }
    }

    /** The verdict for a measured path MTU {@code pmtu} to {@code address} through {@code dev} (MTU {@code link}). */
    static Verdict judge(String address, String dev, int link, int pmtu, boolean quic) {
        int need = QUIC_DATAGRAM + (address.contains(":") ? 48 : 28);
        String seen = "path MTU to " + address + " is " + pmtu;
        if (quic && pmtu < need) {
            return Verdict.fail("mtu", seen + " (link " + dev + " " + link + "): QUIC's " + QUIC_DATAGRAM
                    + "-byte datagrams (" + need + " with headers) do not fit", "use tls:// (TCP adapts to the path"
                    + " MTU), or raise the MTU of the hop that lowers it");
        }
        String after = quic ? "; QUIC's datagrams fit" : "";
        if (pmtu < link) {
            return Verdict.ok("mtu", seen + ", lowered on the way from " + dev + "'s " + link + " (a router said so;"
                    + " TCP adapts" + after + ")");
        }
        return Verdict.ok("mtu", seen + " (" + dev + "; no smaller hop answered" + after + ")");
    }

    /** What the TUN's MTU must fit: nothing on the path, as alknet-tun ends every flow itself. */
    public static Verdict tun(String dev, int mtu) {
        return Verdict.ok("mtu", "TUN " + dev + " MTU " + mtu + " need not fit the path: alknet-tun ends TCP itself"
                + " and carries UDP inside the SSH stream, so any TUN MTU works (large is faster)");
    }
}
