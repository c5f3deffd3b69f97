package dev.alknet.dist;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/** Where the package phase put the artifacts, and an environment without a JDK to run them in. */
final class Dist {

    static final Path TARGET = Path.of(System.getProperty("alknet.dist.dir", "target"));
    static final String VERSION = System.getProperty("alknet.dist.version", "0.1.0-SNAPSHOT");

    private Dist() {
    }

    static Path archive() {
        return TARGET.resolve("alknet-" + VERSION + "-linux-x86_64.tar.gz");
    }

    static Path deb() {
        return TARGET.resolve("alknet_" + VERSION.replaceFirst("-", "~") + "_amd64.deb");
    }

    /**
     * PATH = a directory holding only what the launcher itself calls (readlink): no java anywhere on it, so the
     * run proves the bundled runtime is the one used.
     */
    static Map<String, String> envWithoutJdk(Path scratch) throws IOException {
        Path bin = Files.createDirectories(scratch.resolve("path"));
        Files.createSymbolicLink(bin.resolve("readlink"), Path.of("/usr/bin/readlink").toRealPath());
        Map<String, String> env = new HashMap<>();
        env.put("PATH", bin.toString());
        env.put("HOME", scratch.toString());
        env.put("LANG", "C.UTF-8");
        return env;
    }

    static int run(String... argv) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        p.getInputStream().transferTo(System.out);
        if (!p.waitFor(180, java.util.concurrent.TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", argv) + ": timed out");
        }
        return p.exitValue();
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
