package dev.alknet.it;

import dev.alknet.testkit.Eventually;
import dev.alknet.transport.tls.TlsEngine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** Runs {@code dev.alknet.cli.Main} (or another main of the test class path) as a real JVM process. */
final class Cli {

    private Cli() {
    }

    /** The command line of a JVM running {@code mainClass} on this test's class path, after {@code prefix}. */
    static List<String> command(List<String> prefix, String mainClass, String... args) {
        return command(Path.of(System.getProperty("java.home"), "bin", "java"), prefix, mainClass, args);
    }

    /** The same, in a JVM of another runtime ({@code java}: its launcher binary). */
    static List<String> command(Path java, List<String> prefix, String mainClass, String... args) {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.add(java.toString());
        if (!java.startsWith(System.getProperty("java.home"))) {
            cmd.add("--enable-native-access=ALL-UNNAMED"); // as ./alknet: Java 24+ warns about Netty's natives
        }
        cmd.add("-XX:TieredStopAtLevel=1"); // starts faster; these processes do little work
        cmd.add("-XX:+UseSerialGC");
        String engine = System.getProperty(TlsEngine.PROPERTY);
        if (engine != null) {
            cmd.add("-D" + TlsEngine.PROPERTY + "=" + engine); // a test class run on one TLS engine: its processes too
        }
        cmd.add("-cp");
        cmd.add(classPath());
        cmd.add(mainClass);
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static String snapshot;

    /**
     * This test's class path, with the project's own entries (class directories, alknet jars) copied once to a
     * scratch directory: other builds in the same tree rewrite them while child processes start, which shows up as
     * spurious NoClassDefFoundErrors. Third-party jars are used in place.
     */
    static synchronized String classPath() {
        if (snapshot == null) {
            try {
                Path dir = Files.createTempDirectory("alknet-cp-");
                List<String> entries = new ArrayList<>();
                int n = 0;
                for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
                    Path p = Path.of(entry);
                    boolean ours = Files.isDirectory(p) || entry.contains("/dev/alknet/");
                    if (!ours || !Files.exists(p)) {
                        entries.add(entry);
                        continue;
                    }
                    Path copy = dir.resolve((n++) + "-" + p.getFileName());
                    copyTree(p, copy);
                    entries.add(copy.toString());
                }
                snapshot = String.join(java.io.File.pathSeparator, entries);
            } catch (IOException e) {
                snapshot = System.getProperty("java.class.path");
            }
        }
        return snapshot;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        if (!Files.isDirectory(from)) {
            Files.copy(from, to);
            return;
        }
        try (java.util.stream.Stream<Path> all = Files.walk(from)) {
            for (Path p : all.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    record Result(int exit, String stdout, String stderr) {
        List<String> stderrLines() {
            return stderr.lines().toList();
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }

    /** Runs {@code alknet ARGS} to completion (bounded); stdin is empty. */
    static Result run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        return runCommand(command(List.of(), "dev.alknet.cli.Main", args), env, Duration.ofSeconds(45));
    }

    static Result run(String... args) throws IOException, InterruptedException {
        return run(Map.of(), args);
    }

    /** Runs several {@code alknet} command lines at once (they are independent); results in the same order. */
    static List<Result> runAll(List<String[]> commands) throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(3);
        try {
            List<java.util.concurrent.Future<Result>> futures = new ArrayList<>();
            for (String[] args : commands) {
                futures.add(pool.submit(() -> run(args)));
            }
            List<Result> results = new ArrayList<>();
            for (java.util.concurrent.Future<Result> f : futures) {
                results.add(f.get(60, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    static Result runCommand(List<String> cmd, Map<String, String> env, Duration limit)
            throws IOException, InterruptedException {
        Path out = Files.createTempFile("alknet-cli-out-", ".txt");
        Path err = Files.createTempFile("alknet-cli-err-", ".txt");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.environment().remove("ALKNET_HOME");
            pb.environment().remove("ALKNET_DEBUG");
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                throw new IOException("did not finish within " + limit + ": " + cmd + "\n" + Files.readString(err));
            }
            return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** A long-running process whose stderr goes to a file that tests can watch. */
    static final class Running implements AutoCloseable {
        /** How often the awaits read the output files again. */
        private static final Duration POLL = Duration.ofMillis(50);
        final Process process;
        final Path stderr;
        final Path stdout;

        private Running(Process process, Path stdout, Path stderr) {
            this.process = process;
            this.stdout = stdout;
            this.stderr = stderr;
        }

        static Running start(List<String> cmd, Map<String, String> env) throws IOException {
            Path out = Files.createTempFile("alknet-run-out-", ".txt");
            Path err = Files.createTempFile("alknet-run-err-", ".txt");
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.environment().remove("ALKNET_HOME");
            pb.environment().putAll(env);
            return new Running(pb.start(), out, err);
        }

        static Running alknet(String... args) throws IOException {
            return start(command(List.of(), "dev.alknet.cli.Main", args), Map.of());
        }

        /** {@code alknet ARGS} in a JVM of {@code java}. */
        static Running alknetOn(Path java, String... args) throws IOException {
            return start(command(java, List.of(), "dev.alknet.cli.Main", args), Map.of());
        }

        String stderrText() {
            try {
                return Files.readString(stderr, StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        }

        String stdoutText() {
            try {
                return Files.readString(stdout, StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        }

        /** Waits until a stderr line matches; fails if the process exits first or the limit passes. */
        String awaitLine(Predicate<String> match, Duration limit) throws IOException, InterruptedException {
            String line = Eventually.value(limit, POLL, () -> {
                String seen = firstLine(match);
                if (seen == null && !process.isAlive()) {
                    seen = firstLine(match); // written just before the exit
                    if (seen == null) {
                        throw new IOException("process exited with " + process.exitValue()
                                + " before the expected line:\n" + stderrText());
                    }
                }
                return seen;
            }, java.util.Objects::nonNull);
            if (line == null) {
                throw new IOException("expected line did not appear within " + limit + ":\n" + stderrText());
            }
            return line;
        }

        private String firstLine(Predicate<String> match) {
            return stderrText().lines().filter(match).findFirst().orElse(null);
        }

        /** Waits until stdout contains {@code text}; fails if the process exits first or the limit passes. */
        void awaitStdout(String text, Duration limit) throws IOException, InterruptedException {
            awaitText(() -> stdoutText().contains(text), "'" + text + "' on stdout", limit);
        }

        /** Waits until stdout or stderr contains {@code text}; fails as {@link #awaitStdout}. */
        void awaitOutput(String text, Duration limit) throws IOException, InterruptedException {
            awaitText(() -> stdoutText().contains(text) || stderrText().contains(text), "'" + text + "'", limit);
        }

        private void awaitText(java.util.function.BooleanSupplier seen, String what, Duration limit)
                throws IOException, InterruptedException {
            boolean ok = Eventually.within(limit, POLL, () -> {
                if (seen.getAsBoolean()) {
                    return true;
                }
                if (!process.isAlive() && !seen.getAsBoolean()) {
                    throw new IOException("process exited with " + process.exitValue() + " before " + what
                            + ":\n--- stdout\n" + stdoutText() + "--- stderr\n" + stderrText());
                }
                return false;
            });
            if (!ok) {
                throw new IOException("no " + what + " within " + limit + ":\n--- stdout\n" + stdoutText()
                        + "--- stderr\n" + stderrText());
            }
        }

        /** SIGTERM, then the exit code if it ends within {@code limit}, else -1 (and it is killed). */
        int terminate(Duration limit) throws InterruptedException {
            process.destroy(); // SIGTERM on Linux
            if (process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                return process.exitValue();
            }
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            return -1;
        }

        @Override
        public void close() throws IOException {
            if (process.isAlive()) {
                process.destroyForcibly();
                try {
                    process.waitFor(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            Files.deleteIfExists(stdout);
            Files.deleteIfExists(stderr);
        }
    }
}
