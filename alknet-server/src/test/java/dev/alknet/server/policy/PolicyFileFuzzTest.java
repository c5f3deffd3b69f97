package dev.alknet.server.policy;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code --policy FILE} with any bytes in the file: rules are loaded and the policy then decides for a few
 * destinations (a long client-chosen name among them: patterns must not take exponential time on it), or the
 * file is refused with the one-line IOException/IllegalArgumentException the CLI prints. Nothing else escapes.
 */
class PolicyFileFuzzTest {

    private static final Path FILE = tempFile();
    private static final InetAddress PUBLIC = address(93, 184, 215, 14);
    private static final InetAddress PRIVATE = address(10, 1, 2, 3);
    private static final String LONG_NAME = "a".repeat(40) + ".example." + "b".repeat(40) + ".com";
    private static final String MANY_LABELS = "a.".repeat(60) + "example.com";
    private static final KeyGrant GRANT = new KeyGrant("SHA256:abc", "laptop", KeyOptions.NONE);

    @FuzzTest(maxDuration = "60s")
    void policyFile(byte[] yaml) throws IOException {
        Files.write(FILE, yaml);
        AccessPolicyBuilder b = AccessPolicy.builder();
        try {
            PolicyFile.load(FILE, b);
        } catch (IOException | IllegalArgumentException expected) {
            if (expected.getMessage() == null || expected.getMessage().isBlank()) {
                throw new AssertionError("an error without a message", expected);
            }
            return;
        }
        AccessPolicy p = b.build();
        p.permits("example.com", PUBLIC, 443, null);
        p.permits(LONG_NAME, PUBLIC, 8080, GRANT);
        p.permits(MANY_LABELS, PUBLIC, 443, GRANT);
        p.permits("db.internal", PRIVATE, 5432, GRANT);
        p.permits("10.1.2.3", PRIVATE, 22, null);
    }

    private static InetAddress address(int a, int b, int c, int d) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path tempFile() {
        try {
            Path p = Files.createTempFile("alknet-fuzz-", ".yaml");
            p.toFile().deleteOnExit();
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
