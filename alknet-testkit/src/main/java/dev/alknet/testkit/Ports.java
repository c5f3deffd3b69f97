package dev.alknet.testkit;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/** Loopback ports for tests. */
public final class Ports {

    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private Ports() {
    }

    /**
     * A loopback port free now (TCP and UDP), below the kernel's ephemeral range. A port the kernel picks for a bind
     * to 0 comes from that range, and before the test binds it again the kernel may give it to an outgoing
     * connection as its local port (seen in CI: "Address already in use" on a SOCKS port); a port below the range
     * is never handed out that way. Never the same port twice in one test JVM.
     */
    public static int freePort() throws IOException {
        int low = 16384;
        int high = ephemeralRangeStart() - 1;
        for (int i = 0; i < 200 && high - low >= 1024; i++) {
            int port = ThreadLocalRandom.current().nextInt(low, high + 1);
            if (HANDED_OUT.add(port) && bindable(port)) {
                return port;
            }
        }
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static boolean bindable(int port) {
        InetSocketAddress a = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        try (ServerSocket tcp = new ServerSocket(); DatagramSocket udp = new DatagramSocket(null)) {
            tcp.bind(a, 1);
            udp.bind(a);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int ephemeralRangeStart() {
        try {
            return Integer.parseInt(Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim()
                    .split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 32768; // Linux's default
        }
    }
}
