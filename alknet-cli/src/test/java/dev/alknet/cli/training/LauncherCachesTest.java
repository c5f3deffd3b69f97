package dev.alknet.cli.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checkout launcher's cache lifecycle on files: recordings of ended runs become the cache, those of running ones
 * wait, a fresh failure marker stops the training until the next build. The "JVM" of the create step is a stand-in
 * that writes what {@code -XX:AOTCache} names, as a JDK 25 JVM does (the AOT cache itself is the JVM's business).
 */
class LauncherCachesTest {

    @TempDir
    Path dir;

    private Path jar;
    private Path lib;
    private Path cds;
    private Path fakeJava;

    @BeforeEach
    void build() throws IOException {
        jar = Files.writeString(dir.resolve("alknet-cli.jar"), "jar");
        lib = Files.createDirectories(dir.resolve("lib"));
        Files.writeString(lib.resolve("dep.jar"), "dep");
        cds = Files.createDirectories(dir.resolve("cds"));
        FileTime built = FileTime.fromMillis(System.currentTimeMillis() - 60_000);
        for (Path p : List.of(jar, lib.resolve("dep.jar"), lib)) {
            Files.setLastModifiedTime(p, built);
        }
        fakeJava = dir.resolve("java");
        Files.writeString(fakeJava, """
                #!/bin/bash
                for a; do case $a in -XX:AOTCache=*) out=${a#-XX:AOTCache=} ;; -XX:AOTConfiguration=*) conf=${a#*=} ;; esac; done
                [ -f "$conf" ] && echo "cache from $(cat "$conf") $*" > "$out"
                """);
        Files.setPosixFilePermissions(fakeJava, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private LauncherCaches caches(String name) {
        return new LauncherCaches(dir.resolve("alknet"), cds, name, "jdkT", jar, lib,
                List.of(fakeJava.toString(), "@flags.args"));
    }

    @Test
    void anEndedRecordingBecomesTheCacheBuiltWithTheRunsFlags() throws Exception {
        long ended = endedPid();
        Files.writeString(cds.resolve("keygen-jdkT.aotconf." + ended + ".tmp"), "recording");

        caches("keygen").fromRecordings();

        String cache = Files.readString(cds.resolve("keygen-jdkT.aot"));
        assertTrue(cache.startsWith("cache from recording -XX:AOTMode=create"), cache);
        assertTrue(cache.contains("@flags.args -cp " + jar + ":" + lib + "/*"), cache);
        assertEquals(List.of("keygen-jdkT.aot"), files());
    }

    @Test
    void aRunningRecordingWaitsAndOneForAnExistingCacheGoes() throws Exception {
        long self = ProcessHandle.current().pid();
        Files.writeString(cds.resolve("keygen-jdkT.aotconf." + self + ".tmp"), "recording");
        Files.writeString(cds.resolve("version-jdkT.aot"), "cache");
        Files.writeString(cds.resolve("version-jdkT.aotconf." + endedPid() + ".tmp"), "recording");

        caches("keygen").fromRecordings();
        caches("version").fromRecordings();

        assertEquals(List.of("keygen-jdkT.aotconf." + self + ".tmp", "version-jdkT.aot"), files());
    }

    @Test
    void aFailedTrainingIsNotRepeatedForTheSameBuild() throws Exception {
        Files.writeString(cds.resolve("training-jdkT.failed"), "exited 2\n");

        assertFalse(caches("serve").train());
        assertTrue(Files.exists(cds.resolve("training-jdkT.failed")));
    }

    @Test
    void freshMeansNotOlderThanTheJarAndNothingInLibNewer() throws Exception {
        Path marker = Files.writeString(cds.resolve("x"), "x");
        LauncherCaches c = caches("serve");
        assertTrue(c.fresh(marker));

        Files.setLastModifiedTime(lib.resolve("dep.jar"), FileTime.fromMillis(System.currentTimeMillis() + 5_000));
        assertFalse(c.fresh(marker));
        Files.setLastModifiedTime(lib.resolve("dep.jar"), FileTime.fromMillis(0));
        assertTrue(c.fresh(marker));
        Files.setLastModifiedTime(jar, FileTime.fromMillis(System.currentTimeMillis() + 5_000));
        assertFalse(c.fresh(marker));
    }

    @Test
    void onlyServeAndConnectAreTrained() {
        assertTrue(caches("serve").trains());
        assertTrue(caches("connect").trains());
        assertFalse(caches("keygen").trains());
    }

    private static long endedPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return p.pid();
    }

    private List<String> files() throws IOException {
        try (Stream<Path> s = Files.list(cds)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
