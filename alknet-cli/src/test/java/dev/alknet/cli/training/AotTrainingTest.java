package dev.alknet.cli.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The training's orchestration with the real serve and connect commands and real traffic through the SOCKS port.
 * The launcher is a stand-in that writes what {@code -XX:AOTCacheOutput} names at a clean exit, as a JDK 25 JVM does
 * (the test JVM may be older); the AOT cache itself is the JVM's business.
 */
@Timeout(120)
class AotTrainingTest {

    private static final AotTraining.Load SMALL = new AotTraining.Load(300, 20_000, 1 << 20);

    @TempDir
    Path dir;

    @Test
    void bothCommandsRunUnderLoadAndTheirCachesArePutInPlace() throws Exception {
        Path launcher = script("""
                out=$(sed -n 's/.*-XX:AOTCacheOutput=\\([^ ]*\\).*/\\1/p' <<<"$ALKNET_JAVA_OPTS")
                [ "$ALKNET_CDS" = off ] && [ -n "$out" ] || exit 9
                "%s" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp "%s" dev.alknet.cli.Main "$@" & pid=$!
                trap 'kill -TERM $pid' TERM
                wait $pid; rc=$?
                if [ $rc -gt 128 ]; then wait $pid; rc=$?; fi
                [ $rc -eq 0 ] && echo "cache of $1" > "$out"
                exit $rc
                """.formatted(Path.of(System.getProperty("java.home"), "bin", "java"),
                System.getProperty("java.class.path")));

        assertTrue(new AotTraining(launcher, dir, "jdkT", SMALL).run(), this::log);

        assertEquals("cache of serve", Files.readString(dir.resolve("serve-jdkT.aot")).trim());
        assertEquals("cache of connect", Files.readString(dir.resolve("connect-jdkT.aot")).trim());
        assertEquals(List.of("connect-jdkT.aot", "launcher", "serve-jdkT.aot"), files());
    }

    @Test
    void aFailedTrainingLeavesAMarkerAndNoCache() throws Exception {
        Path launcher = script("echo 'alknet: no such thing' >&2; exit 2\n");

        assertFalse(new AotTraining(launcher, dir, "jdkT", SMALL).run());

        assertTrue(Files.readString(dir.resolve("training-jdkT.failed")).contains("exited 2"));
        assertEquals(List.of("launcher", "training-jdkT.failed"), files());
    }

    private Path script(String body) throws IOException {
        Path p = dir.resolve("launcher");
        Files.writeString(p, "#!/bin/bash\n" + body);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    private List<String> files() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private String log() {
        try {
            return String.join(", ", files());
        } catch (IOException e) {
            return e.toString();
        }
    }
}
