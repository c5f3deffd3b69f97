package dev.alknet.tun;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The attacks of a hostile local user, run inside alknet-tun's namespace (COMMAND); each prints one line:
 *
 * <pre>
 *   steal/HOST/PORT/SIZE/SEED   -> steal stolen=N refused=M victim=SHA256|error...
 *   flood/DNS/VICTIM/N/PORT/SIZE/SEED -> flood ok=A servfail=B sequential=C victim=same|changed FAKE get=SHA256|error
 * </pre>
 *
 * <p>steal: a victim's flow to HOST:PORT is left waiting at the kernel listener (its SYN went out, its socket is gone
 * before the handshake), then another process connects to the listener from the NAT ports a flow gets (1024 and up)
 * on the TUN address, and from the peer address (ip_nonlocal_bind) on a wrong port, and sends an HTTP request: any
 * byte back is a stolen flow. Finally the victim connects again from its port and fetches /blob over its own flow.
 *
 * <p>flood: resolves VICTIM, then N other names, then VICTIM again, and fetches /blob from the victim's first fake
 * IP, as an application with a cached address would.
 */
public final class HostileProbe {

    private HostileProbe() {
    }

    public static void main(String[] args) throws Exception {
        for (String a : args) {
            String[] p = a.split("/");
            String line;
            try {
                line = switch (p[0]) {
                    case "steal" -> "steal " + steal(p[1], Integer.parseInt(p[2]), Long.parseLong(p[3]),
                            Long.parseLong(p[4]));
                    case "flood" -> "flood " + flood(p[1], p[2], Integer.parseInt(p[3]), Integer.parseInt(p[4]),
                            Long.parseLong(p[5]), Long.parseLong(p[6]));
                    default -> "unknown probe " + a;
                };
            } catch (Exception e) {
                line = p[0] + " error " + e;
            }
            System.out.println(line);
            System.out.flush();
        }
    }

    /** The port of the kernel listener on 198.18.0.1 (a v4 or v4-mapped socket), from /proc/net (0A: LISTEN). */
    static int listenerPort() throws IOException {
        for (String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
            for (String l : Files.readAllLines(Path.of(table))) {
                String[] f = l.trim().split("\\s+");
                int colon = f.length > 3 ? f[1].indexOf(':') : -1;
                if (colon > 0 && f[1].substring(0, colon).endsWith("010012C6") && f[3].equals("0A")) {
                    return Integer.parseInt(f[1].substring(colon + 1), 16);
                }
            }
        }
        throw new IOException("no listener on 198.18.0.1");
    }

    static String steal(String host, int port, long size, long seed) throws Exception {
        int listener = listenerPort();
        InetSocketAddress dest = new InetSocketAddress(InetAddress.getByName(host), port);
        int victimPort;
        try (SocketChannel first = SocketChannel.open()) {
            first.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            first.configureBlocking(false);
            first.bind(new InetSocketAddress(0));
            victimPort = ((InetSocketAddress) first.getLocalAddress()).getPort();
            first.connect(dest); // the SYN goes out; closing now leaves the flow ready at the listener
        }
        InetSocketAddress target = new InetSocketAddress(InetAddress.getByName(Net.TUN4_TEXT), listener);
        List<InetSocketAddress> from = new ArrayList<>();
        for (int natPort = Nat.FIRST_PORT; natPort < Nat.FIRST_PORT + 16; natPort++) {
            from.add(new InetSocketAddress(InetAddress.getByName(Net.TUN4_TEXT), natPort)); // right port, wrong address
        }
        from.add(new InetSocketAddress(InetAddress.getByName(Net.PEER4_TEXT), 40999)); // right address, wrong port
        int stolen = 0;
        int refused = 0;
        for (int round = 0; round < 10 && stolen == 0; round++) {
            for (InetSocketAddress source : from) {
                if (source.getPort() == 40999 && round > 0) {
                    continue; // its connect only times out: once is enough
                }
                try (Socket s = new Socket()) {
                    s.setReuseAddress(true);
                    s.bind(source);
                    s.connect(target, 1000);
                    s.setSoTimeout(1000);
                    s.getOutputStream().write(request(size, seed));
                    if (s.getInputStream().read() >= 0) {
                        stolen++;
                    } else {
                        refused++;
                    }
                } catch (IOException e) {
                    refused++;
                }
            }
            Thread.sleep(100); // pacing is the point: the attacker keeps trying for a second, as the flow settles
        }
        String victim;
        try (Socket s = new Socket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(victimPort));
            s.connect(dest, 5000);
            victim = get(s, size, seed);
        } catch (IOException e) {
            victim = "error " + e;
        }
        return "stolen=" + stolen + " refused=" + refused + " victim=" + victim;
    }

    static String flood(String dns, String victim, int n, int port, long size, long seed) throws Exception {
        String first = TunProbe.dns(dns, victim, 1);
        int ok = 0;
        int servfail = 0;
        int sequential = 0;
        long previous = -2;
        for (int i = 0; i < n; i++) {
            String r = TunProbe.dns(dns, "flood" + i + ".test", 1);
            if (r.startsWith("rcode=0 answers=1 ")) {
                ok++;
                long ip = ip(r.substring(r.lastIndexOf(' ') + 1));
                sequential += ip == previous + 1 ? 1 : 0;
                previous = ip;
            } else if (r.startsWith("rcode=2 ")) {
                servfail++;
            }
        }
        String again = TunProbe.dns(dns, victim, 1);
        String fake = first.substring(first.lastIndexOf(' ') + 1);
        String got;
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getByName(fake), port), 5000);
            got = get(s, size, seed);
        } catch (IOException e) {
            got = "error " + e;
        }
        return "ok=" + ok + " servfail=" + servfail + " sequential=" + sequential + " victim="
                + (first.equals(again) ? "same" : "changed " + first + " / " + again) + " " + fake + " get=" + got;
    }

    private static long ip(String text) throws IOException {
        byte[] b = InetAddress.getByName(text).getAddress();
        return ((b[0] & 0xffL) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
    }

    private static byte[] request(long size, long seed) {
        return ("GET /blob?size=" + size + "&seed=" + seed + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** GET /blob over {@code s}; the SHA-256 of the body, or what went wrong. */
    private static String get(Socket s, long size, long seed) throws Exception {
        s.setSoTimeout(10_000);
        s.getOutputStream().write(request(size, seed));
        InputStream in = s.getInputStream();
        byte[] all = in.readAllBytes();
        String text = new String(all, StandardCharsets.ISO_8859_1);
        int body = text.indexOf("\r\n\r\n");
        if (!text.startsWith("HTTP/1.1 200") || body < 0) {
            return "bad response " + text.substring(0, Math.min(60, text.length()));
        }
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        md.update(all, body + 4, all.length - body - 4);
        return HexFormat.of().formatHex(md.digest());
    }
}
