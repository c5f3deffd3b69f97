package dev.alknet.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alknet.testkit.Eventually;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;

final class Files2 {
    private Files2() {
    }

    /** The file's size, -1 while it does not exist (a download not started yet). */
    static long size(Path file) throws IOException {
        try {
            return Files.size(file);
        } catch (java.nio.file.NoSuchFileException e) {
            return -1;
        }
    }

    /** Waits until {@code file} has {@code n} bytes; fails if {@code writer} ends first or the limit passes. */
    static void awaitSize(Path file, long n, Cli.Running writer, Duration limit) throws Exception {
        boolean grown = Eventually.within(limit, () -> {
            if (size(file) >= n) {
                return true;
            }
            assertTrue(writer.process.isAlive(), () -> "ended early: " + writer.stderrText());
            return false;
        });
        assertTrue(grown, () -> file.getFileName() + " did not reach " + n + " bytes within " + limit + ": "
                + writer.stderrText());
    }

    static String sha256(Path file) throws IOException {
        MessageDigest md = WebServer.Blob.digest();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[256 * 1024];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
