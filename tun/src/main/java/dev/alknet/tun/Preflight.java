package dev.alknet.tun;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The checks that turn "it does not work" into one clear line before anything is changed. They need neither JNA nor
 * slf4j, so they work even for a user who cannot read those jars.
 */
final class Preflight {

    static final Path TUN = Path.of("/dev/net/tun");
    static final int CAP_NET_ADMIN = 12;
    static final int CAP_SYS_ADMIN = 21;

    private Preflight() {
    }

    static void privileges(boolean namespaceMode) {
        long caps = capEff();
        boolean root = euid() == 0;
        boolean netAdmin = (caps & (1L << CAP_NET_ADMIN)) != 0;
        boolean sysAdmin = (caps & (1L << CAP_SYS_ADMIN)) != 0;
        if (!netAdmin) {
            throw new TunException(root
                    ? "running as root but without CAP_NET_ADMIN (a container without --cap-add=NET_ADMIN?)"
                    : "needs root (CAP_NET_ADMIN to create a TUN device): run it with sudo");
        }
        if (namespaceMode && !sysAdmin) {
            throw new TunException("namespace mode needs CAP_SYS_ADMIN too (to create a network namespace): "
                    + "run it as root");
        }
        if (!Files.exists(TUN)) {
            throw new TunException(TUN + " does not exist (load the tun module: modprobe tun)");
        }
        if (!Files.isReadable(TUN) || !Files.isWritable(TUN)) {
            throw new TunException("cannot open " + TUN + " for reading and writing");
        }
        if (ipBinary() == null) {
            throw new TunException("the ip command (iproute2) is not installed");
        }
    }

    /** iproute2's ip, or null. */
    static String ipBinary() {
        for (String c : List.of("/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip")) {
            if (Files.isExecutable(Path.of(c))) {
                return c;
            }
        }
        return null;
    }

    static int euid() {
        return statusField("Uid:", 1, 10).intValue();
    }

    static long capEff() {
        return statusField("CapEff:", 0, 16);
    }

    private static Long statusField(String name, int index, int radix) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(name)) {
                    return Long.parseUnsignedLong(line.substring(name.length()).trim().split("\\s+")[index], radix);
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new TunException("cannot read /proc/self/status: " + e.getMessage());
        }
        throw new TunException("no " + name + " in /proc/self/status");
    }

    /** Fails early when nothing listens on the SOCKS port (alknet not started?). */
    static void socksListening(InetSocketAddress socks) {
        try (Socket s = new Socket()) {
            s.connect(socks, 3000);
        } catch (IOException e) {
            throw new TunException("nothing answers on the SOCKS port " + hostPort(socks)
                    + " (is `alknet connect` running?): " + e.getMessage());
        }
    }

    static String hostPort(InetSocketAddress a) {
        String h = a.getAddress().getHostAddress();
        return (h.contains(":") ? "[" + h + "]" : h) + ":" + a.getPort();
    }

    /** The program COMMAND names, found on PATH like a shell would, or a clear "not found". */
    static void commandExists(List<String> command) {
        String c = command.get(0);
        if (c.contains("/")) {
            if (!Files.isExecutable(Path.of(c))) {
                throw new TunException(c + ": no such executable", TunException.EXIT_NOT_FOUND);
            }
            return;
        }
        String path = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, c)) && !Files.isDirectory(Path.of(dir, c))) {
                return;
            }
        }
        throw new TunException(c + ": command not found", TunException.EXIT_NOT_FOUND);
    }
}
