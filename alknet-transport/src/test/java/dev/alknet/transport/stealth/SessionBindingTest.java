package dev.alknet.transport.stealth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link SessionBinding} on both ends of real loopback connections ({@link SessionBindingProbe}): on Java 25 (a
 * forked JVM; the build runs on 17) both ends of a TLS session export the same 32 bytes and each session its
 * own; QUIC and Java 17 give no binding.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SessionBindingTest {

    /** The Java 25 runtime machines of this kind (CI included) have; the test is skipped elsewhere. */
    static final Path JAVA25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java");

    @Test
    void onJava25BothEndsOfATlsSessionExportTheSame32BytesAndEachSessionOthers() throws Exception {
        assumeTrue(Files.isExecutable(JAVA25), "no Java 25 at " + JAVA25);
        List<String> lines = probeOn(JAVA25);
        assertEquals(8, lines.size(), String.join("\n", lines));
        String[] first = lines.get(0).split(" ");
        String[] second = lines.get(1).split(" ");
        for (String[] tls : List.of(first, second)) {
            assertEquals("tls-jdk", tls[0]);
            assertEquals(2 * SessionBinding.LENGTH, tls[1].length(), "32 bytes: " + tls[1]);
            assertEquals(tls[1], tls[2], "client and server of one session");
        }
        assertNotEquals(first[1], second[1], "two sessions, two bindings");
        // Netty's QUIC engine (quiche/BoringSSL) exposes no exporter: quic proofs stay unbound
        // BoringSSL through netty-tcnative has no exporter call: plain OpenSSL streams stay unbound...
        assertEquals(List.of("tls-openssl - -", "tls-openssl - -"), lines.subList(2, 4));
        // ...but a strict listener computes it from the key-log secret, equal to the JDK client's
        String[] strict1 = lines.get(4).split(" ");
        String[] strict2 = lines.get(5).split(" ");
        for (String[] tls : List.of(strict1, strict2)) {
            assertEquals("tls-strict-openssl", tls[0]);
            assertEquals(2 * SessionBinding.LENGTH, tls[1].length(), "32 bytes: " + tls[1]);
            assertEquals(tls[1], tls[2], "JDK client and OpenSSL strict server of one session");
        }
        assertNotEquals(strict1[1], strict2[1], "two sessions, two bindings");
        assertEquals(List.of("quic - -", "quic - -"), lines.subList(6, 8));
    }

    @Test
    void beforeJava25ThereIsNoBindingOnEitherEnd() throws Exception {
        assumeTrue(Runtime.version().feature() < 25, "this JVM has the exporter");
        assumeTrue(dev.alknet.transport.tls.TlsEngine.openSslUsable(), "the OpenSSL engine does not load here");
        // a server on the OpenSSL engine binds (key-log exporter) whatever the Java version; the JDK client cannot
        assertTrue(SessionBinding.available());
        List<String> lines = SessionBindingProbe.run(1);
        assertEquals(List.of("tls-jdk - -", "tls-openssl - -"), lines.subList(0, 2));
        assertTrue(lines.get(2).matches("tls-strict-openssl - [0-9a-f]{64}"), lines.get(2));
        assertEquals("quic - -", lines.get(3));
    }

    /** Runs the probe in a JVM of {@code java} with this test's class path; its stdout lines. */
    private static List<String> probeOn(Path java) throws Exception {
        Path out = Files.createTempFile("alknet-binding-", ".out");
        Path err = Files.createTempFile("alknet-binding-", ".err");
        try {
            Process p = new ProcessBuilder(java.toString(), "--enable-native-access=ALL-UNNAMED", "-cp",
                    System.getProperty("java.class.path"), SessionBindingProbe.class.getName())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(90, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                throw new AssertionError("probe did not finish:\n" + Files.readString(err));
            }
            assertEquals(0, p.exitValue(), Files.readString(err));
            assertTrue(Files.readString(err).isEmpty(), "no warnings: " + Files.readString(err));
            return Files.readAllLines(out);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
