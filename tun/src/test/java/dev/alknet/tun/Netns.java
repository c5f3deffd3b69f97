package dev.alknet.tun;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A named network namespace made by a test ({@code ip netns add}), removed on close with everything running in it
 * and its {@code /etc/netns/NAME} files. Code of the test JVM can run inside it on threads that {@code setns} first
 * (threads they start inherit the namespace).
 */
final class Netns implements AutoCloseable {

    static final String PREFIX = "atun";
    private static final AtomicInteger COUNTER = new AtomicInteger();

    final String name;

    private Netns(String name) {
        this.name = name;
    }

    /** Skips the test unless it can make namespaces and TUN devices (root, /dev/net/tun, iproute2). */
    static void assumeRoot() {
        assumeTrue(Preflight.euid() == 0, "needs root");
        assumeTrue(Files.exists(Path.of("/dev/net/tun")), "needs /dev/net/tun");
        assumeTrue(Preflight.ipBinary() != null, "needs iproute2");
    }

    /** A fresh namespace named atun-PID-N-TAG (stale ones of dead test JVMs are removed first). */
    static Netns create(String tag) throws IOException {
        removeStale();
        String name = PREFIX + "-" + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet() + "-" + tag;
        Sh.ok("ip", "netns", "add", name);
        Netns ns = new Netns(name);
        ns.ip("link", "set", "lo", "up");
        return ns;
    }

    private static void removeStale() {
        for (Path dir : List.of(Path.of("/run/netns"), Path.of("/etc/netns"))) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, PREFIX + "-*")) {
                for (Path p : s) {
                    String[] parts = p.getFileName().toString().split("-");
                    if (parts.length > 2 && !Files.exists(Path.of("/proc", parts[1]))) {
                        new Netns(p.getFileName().toString()).close();
                    }
                }
            } catch (IOException | RuntimeException e) {
                // best effort
            }
        }
    }

    Path path() {
        return Path.of("/run/netns", name);
    }

    /** {@code ip -n NAME ARGS}, which must succeed. */
    String ip(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ip", "-n", name));
        cmd.addAll(List.of(args));
        return Sh.ok(cmd.toArray(String[]::new)).out();
    }

    /** The command line prefix that runs a program in this namespace. */
    List<String> exec(String... cmd) {
        List<String> l = new ArrayList<>(List.of("ip", "netns", "exec", name));
        l.addAll(List.of(cmd));
        return l;
    }

    /** A file that {@code ip netns exec} bind-mounts over /etc/FILE. */
    void etc(String file, String content) throws IOException {
        Path dir = Path.of("/etc/netns", name);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(file), content, StandardCharsets.UTF_8);
    }

    /** Moves the calling thread into this namespace (for good). */
    void enter() {
        int fd = LibC.get().open(path().toString(), LibC.O_RDONLY | LibC.O_CLOEXEC);
        try {
            LibC.get().setns(fd, LibC.CLONE_NEWNET);
        } finally {
            LibC.get().close(fd);
        }
    }

    /** Runs {@code c} on a new thread inside this namespace and returns its result. */
    <T> T call(Callable<T> c) throws Exception {
        FutureTask<T> task = new FutureTask<>(c);
        Thread t = new Thread(() -> {
            enter();
            task.run();
        }, "in-" + name);
        t.setDaemon(true);
        t.start();
        return task.get(20, TimeUnit.SECONDS);
    }

    /** Daemon threads that enter this namespace before running. */
    ThreadFactory threads(String prefix) {
        return r -> {
            Thread t = new Thread(() -> {
                enter();
                r.run();
            }, prefix);
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public void close() {
        try {
            Sh.Result pids = Sh.run("ip", "netns", "pids", name);
            for (String pid : pids.out().split("\\s+")) {
                if (!pid.isBlank()) {
                    ProcessHandle.of(Long.parseLong(pid.trim())).ifPresent(ProcessHandle::destroyForcibly);
                }
            }
            Sh.run("ip", "netns", "del", name);
            Path etc = Path.of("/etc/netns", name);
            if (Files.exists(etc)) {
                try (Stream<Path> files = Files.walk(etc)) {
                    for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("cleanup of " + name + ": " + e);
        }
    }
}
