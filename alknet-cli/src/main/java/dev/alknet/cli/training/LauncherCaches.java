package dev.alknet.cli.training;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The life of the checkout's AOT caches (JDK 25+), the part the checkout launcher ({@code ./alknet}) does not do
 * itself: it only uses a cache that is fresh, drops a stale one, and has a command other than serve/connect record
 * what it loads. On a miss it starts this in the background (detached, {@code nice}), which, for the command that
 * missed:
 * <ol>
 *   <li>turns each finished recording ({@code NAME-SUFFIX.aotconf.PID.tmp} whose process has ended) into that
 *       command's cache, one at a time ({@code -XX:AOTMode=create}), or drops it when the cache is already there;</li>
 *   <li>for serve and connect, runs the {@link AotTraining} in this process, once per build: not while another
 *       training holds {@code training-SUFFIX.lock}, and not after one failed ({@code training-SUFFIX.failed}) unless
 *       the build is newer than that marker.</li>
 * </ol>
 * A file is fresh when it is not older than the jar and nothing under the lib directory is newer than it.
 *
 * <p>Arguments: {@code LAUNCHER DIR NAME SUFFIX JAR LIB [JVM_FLAG...]}; the JVM flags are those of the run that missed
 * (the cache must be built with them); the JVM is {@code $ALKNET_JAVA}. Its output is the training log.
 */
public final class LauncherCaches {

    private static final long CREATE_TIMEOUT_SECONDS = 600;

    private final Path launcher;
    private final Path dir;
    private final String name;
    private final String suffix;
    private final Path jar;
    private final Path lib;
    private final List<String> createCommand;

    LauncherCaches(Path launcher, Path dir, String name, String suffix, Path jar, Path lib, List<String> createCommand) {
        this.launcher = launcher;
        this.dir = dir;
        this.name = name;
        this.suffix = suffix;
        this.jar = jar;
        this.lib = lib;
        this.createCommand = createCommand;
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 6) {
            System.err.println("usage: LauncherCaches LAUNCHER DIR NAME SUFFIX JAR LIB [JVM_FLAG...]");
            System.exit(2);
        }
        String java = System.getenv().getOrDefault("ALKNET_JAVA", "java");
        List<String> create = new ArrayList<>();
        create.add(java);
        create.addAll(List.of(args).subList(6, args.length));
        LauncherCaches caches = new LauncherCaches(Path.of(args[0]), Path.of(args[1]), args[2], args[3],
                Path.of(args[4]), Path.of(args[5]), create);
        caches.fromRecordings();
        if (caches.trains()) {
            caches.train();
        }
    }

    private Path cache() {
        return dir.resolve(name + "-" + suffix + ".aot");
    }

    private String recordPrefix() {
        return name + "-" + suffix + ".aotconf.";
    }

    /** Whether the command that missed is one the training covers. */
    boolean trains() {
        return name.equals("serve") || name.equals("connect");
    }

    /** Step 1: finished recordings become the cache (the first one), or go. */
    void fromRecordings() throws IOException, InterruptedException {
        for (Path tmp : list(recordPrefix(), ".tmp")) {
            String f = tmp.getFileName().toString();
            long pid;
            try {
                pid = Long.parseLong(f.substring(recordPrefix().length(), f.length() - ".tmp".length()));
            } catch (NumberFormatException e) {
                continue;
            }
            if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                continue; // still recording: it writes the file at its exit
            }
            long self = ProcessHandle.current().pid();
            Path building = dir.resolve(recordPrefix() + self + ".building");
            if (Files.exists(cache()) || !moved(tmp, building)) {
                Files.deleteIfExists(tmp);
                continue;
            }
            Path out = dir.resolve(cache().getFileName() + "." + self + ".tmp");
            try {
                List<String> cmd = new ArrayList<>(createCommand);
                cmd.addAll(1, List.of("-XX:AOTMode=create", "-XX:AOTConfiguration=" + building,
                        "-XX:AOTCache=" + out));
                cmd.add("-cp");
                cmd.add(jar + ":" + lib + "/*");
                Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD)
                        .start();
                if (!p.waitFor(CREATE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                } else if (p.exitValue() == 0 && Files.exists(out)) {
                    Files.move(out, cache(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                }
            } finally {
                Files.deleteIfExists(building);
                Files.deleteIfExists(out);
            }
        }
    }

    /**
     * Step 2: the training, unless a cache is there, a fresh failure marker says it failed for this build, or another
     * training holds the lock (which this one holds until both caches are in place). False if it did not run.
     */
    boolean train() throws IOException {
        if (Files.exists(cache())) {
            return false;
        }
        Path failed = dir.resolve("training-" + suffix + ".failed");
        if (Files.exists(failed)) {
            if (fresh(failed)) {
                return false;
            }
            Files.deleteIfExists(failed);
        }
        try (FileChannel lock = FileChannel.open(dir.resolve("training-" + suffix + ".lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock held = tryLock(lock)) {
            if (held == null) {
                return false;
            }
            new AotTraining(launcher, dir, suffix, AotTraining.Load.FULL).run();
            return true;
        }
    }

    private static FileLock tryLock(FileChannel lock) throws IOException {
        try {
            return lock.tryLock();
        } catch (OverlappingFileLockException e) {
            return null; // this JVM holds it (tests)
        }
    }

    /** Not older than the jar, and nothing under lib (lib itself included) newer than it. */
    boolean fresh(Path file) throws IOException {
        FileTime t = Files.getLastModifiedTime(file);
        if (t.compareTo(Files.getLastModifiedTime(jar)) < 0) {
            return false;
        }
        try (Stream<Path> all = Files.walk(lib)) {
            return all.noneMatch(p -> {
                try {
                    return Files.getLastModifiedTime(p).compareTo(t) > 0;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private List<Path> list(String prefix, String suffixText) throws IOException {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, prefix + "*" + suffixText)) {
            s.forEach(out::add);
        }
        return out;
    }

    private static boolean moved(Path from, Path to) {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
            return true;
        } catch (IOException e) {
            return false; // another launcher took it first
        }
    }
}
