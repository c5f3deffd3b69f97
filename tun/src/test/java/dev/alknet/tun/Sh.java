package dev.alknet.tun;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs commands (argument arrays) with bounded time. */
final class Sh {

    private Sh() {
    }

    record Result(int exit, String out, String err, long millis) {
        @Override
        public String toString() {
            return "exit " + exit + " after " + millis + " ms\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    static Result run(String... cmd) throws IOException {
        return run(List.of(cmd), Map.of(), Duration.ofSeconds(30));
    }

    static Result ok(String... cmd) throws IOException {
        Result r = run(cmd);
        if (r.exit() != 0) {
            throw new IOException(String.join(" ", cmd) + ": " + r);
        }
        return r;
    }

    static Result run(List<String> cmd, Map<String, String> env, Duration limit) throws IOException {
        Path out = Files.createTempFile("atun-out-", ".txt");
        Path err = Files.createTempFile("atun-err-", ".txt");
        long start = System.nanoTime();
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            clean(pb.environment());
            pb.environment().putAll(env);
            Process p = pb.start();
            try {
                if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                    throw new IOException("did not finish within " + limit + ": " + cmd + "\n" + Files.readString(err));
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** No sudo variables: alknet-tun would run COMMAND as that user. */
    static void clean(Map<String, String> env) {
        env.remove("SUDO_UID");
        env.remove("SUDO_GID");
        env.remove("SUDO_USER");
    }

    /** The command line of a JVM running alknet-tun's main from this test class path. */
    static List<String> helper(String... args) {
        return helper(List.of(), args);
    }

    /** As above, with JVM options (e.g. {@code -Dalknet.tun.fakeIps=N}) before the main class. */
    static List<String> helper(List<String> jvm, String... args) {
        List<String> cmd = new java.util.ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvm);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("dev.alknet.tun.Main");
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** The command line of a quick-starting JVM running {@code main} of this test class path (probes). */
    static List<String> java(String main, String... args) {
        List<String> cmd = new java.util.ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-Xshare:auto");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(main);
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** A shell word (single-quoted) for scripts. */
    static String q(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
