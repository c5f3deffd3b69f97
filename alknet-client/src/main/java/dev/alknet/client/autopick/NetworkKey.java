package dev.alknet.client.autopick;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Names the network this machine is on by its default route: interface and gateway ("eth0 via 192.168.1.1"), read
 * from /proc/net/route. Two starts from the same network give the same key; "none" where there is no default route.
 */
public final class NetworkKey {

    private static final Path ROUTES = Path.of("/proc/net/route");

    private NetworkKey() {
    }

    public static String current() {
        try {
            return fromRouteTable(Files.readAllLines(ROUTES));
        } catch (IOException | RuntimeException e) {
            return "none";
        }
    }

    /** The default route with the lowest metric in a /proc/net/route table (header line first). */
    static String fromRouteTable(List<String> lines) {
        String best = "none";
        long bestMetric = Long.MAX_VALUE;
        for (int i = 1; i < lines.size(); i++) {
            String[] f = lines.get(i).trim().split("\\s+");
            if (f.length < 7 || !"00000000".equals(f[1])) {
                continue;
            }
            long metric = Long.parseLong(f[6]);
            if (metric < bestMetric) {
                bestMetric = metric;
                best = f[0] + " via " + gateway(f[2]);
            }
        }
        return best;
    }

    /** /proc/net/route writes the IPv4 gateway as little-endian hex. */
    private static String gateway(String hex) {
        long v = Long.parseLong(hex, 16);
        return (v & 0xff) + "." + ((v >> 8) & 0xff) + "." + ((v >> 16) & 0xff) + "." + ((v >> 24) & 0xff);
    }
}
