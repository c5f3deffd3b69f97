package dev.alknet.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A named network namespace made by a test ({@code ip netns add}), named PREFIX-PID-N-TAG so that test JVMs running
 * at the same time never share one and a later run removes what a dead JVM left; removed on close with everything
 * running in it and its {@code /etc/netns/NAME} files. Subclasses add what their tests do inside (tun's runs JVM
 * threads in it).
 */
public class Netns implements AutoCloseable {

    private static final AtomicInteger COUNTER = new AtomicInteger();

    public final String name;

    protected Netns(String name) {
        this.name = name;
    }

    /** A fresh namespace PREFIX-PID-N-TAG with its loopback up (stale ones of dead test JVMs are removed first). */
    public static Netns create(String prefix, String tag) throws IOException {
        Netns ns = new Netns(freshName(prefix, tag));
        ns.add();
        return ns;
    }

    /** PREFIX-PID-N-TAG, unique in this JVM; first removes the PREFIX namespaces of test JVMs that are gone. */
    protected static String freshName(String prefix, String tag) {
        removeStale(prefix);
        return prefix + "-" + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet() + "-" + tag;
    }

    /** Makes the namespace and sets its loopback up. */
    protected void add() throws IOException {
        sh("ip", "netns", "add", name);
        ip("link", "set", "lo", "up");
    }

    private static void removeStale(String prefix) {
        for (Path dir : List.of(Path.of("/run/netns"), Path.of("/etc/netns"))) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, prefix + "-*")) {
                for (Path p : s) {
                    String[] parts = p.getFileName().toString().split("-");
                    if (parts.length > 2 && parts[1].matches("\\d+")
                            && ProcessHandle.of(Long.parseLong(parts[1])).isEmpty()) {
                        new Netns(p.getFileName().toString()).close();
                    }
                }
            } catch (IOException | RuntimeException e) {
                // best effort
            }
        }
    }

    public Path path() {
        return Path.of("/run/netns", name);
    }

    /** {@code ip -n NAME ARGS}, which must succeed; its stdout. */
    public String ip(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ip", "-n", name));
        cmd.addAll(List.of(args));
        return sh(cmd.toArray(String[]::new));
    }

    /** The command line prefix that runs a program in this namespace. */
    public List<String> exec(String... cmd) {
        List<String> l = new ArrayList<>(List.of("ip", "netns", "exec", name));
        l.addAll(List.of(cmd));
        return l;
    }

    /** Runs {@code cmd} in this namespace; it must succeed. Its stdout. */
    public String run(String... cmd) throws IOException {
        return sh(exec(cmd).toArray(String[]::new));
    }

    /** A file that {@code ip netns exec} bind-mounts over /etc/FILE. */
    public void etc(String file, String content) throws IOException {
        Path dir = Path.of("/etc/netns", name);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(file), content, StandardCharsets.UTF_8);
    }

    /** Runs a command of the machine (within 30 s); it must exit 0. Its stdout; stderr goes into the exception. */
    public static String sh(String... cmd) throws IOException {
        Path out = Files.createTempFile("alknet-sh-", ".out");
        Path err = Files.createTempFile("alknet-sh-", ".err");
        try {
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            try {
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IOException("timed out: " + String.join(" ", cmd));
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted: " + String.join(" ", cmd), e);
            }
            String stdout = Files.readString(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IOException(String.join(" ", cmd) + " -> " + p.exitValue() + ": "
                        + (stdout + Files.readString(err, StandardCharsets.UTF_8)).trim());
            }
            return stdout;
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** Ends what still runs in the namespace, deletes it and its /etc/netns files; never throws. */
    @Override
    public void close() {
        try {
            String pids;
            try {
                pids = sh("ip", "netns", "pids", name);
            } catch (IOException gone) {
                pids = "";
            }
            for (String pid : pids.split("\\s+")) {
                if (!pid.isBlank()) {
                    ProcessHandle.of(Long.parseLong(pid.trim())).ifPresent(ProcessHandle::destroyForcibly);
                }
            }
            try {
                sh("ip", "netns", "del", name);
            } catch (IOException gone) {
                // already gone
            }
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
