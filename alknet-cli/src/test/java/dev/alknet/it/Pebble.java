package dev.alknet.it;

import dev.alknet.transport.tls.TlsCertificates;
import dev.alknet.transport.tls.TlsKeyMaterial;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Debian's pebble (a test ACME CA) and pebble-challtestsrv (its DNS, answering 127.0.0.1 for every name) on free
 * loopback ports, validating challenges on the ports the test gives: {@code tlsPort} (tls-alpn-01) and
 * {@code httpPort} (http-01). Certificates live {@code validitySeconds}. Its API certificate is self-signed here;
 * {@link #apiCert()} is what {@code --acme-ca-cert} trusts.
 */
final class Pebble implements AutoCloseable {

    static final Path PEBBLE = Path.of("/usr/bin/pebble");
    static final Path CHALLTESTSRV = Path.of("/usr/bin/pebble-challtestsrv");

    private final Path dir;
    private final int apiPort;
    private final Cli.Running dns;
    private final Cli.Running ca;

    static boolean installed() {
        return Files.isExecutable(PEBBLE) && Files.isExecutable(CHALLTESTSRV);
    }

    Pebble(int tlsPort, int httpPort, int validitySeconds) throws Exception {
        dir = Files.createTempDirectory("alknet-pebble-");
        TlsKeyMaterial api = TlsCertificates.generate("localhost");
        TlsCertificates.writePem(api, dir.resolve("api-cert.pem"), dir.resolve("api-key.pem"));
        apiPort = E2e.freePort();
        int dnsPort = E2e.freePort();
        Files.writeString(dir.resolve("pebble.json"), "{\"pebble\": {"
                + "\"listenAddress\": \"127.0.0.1:" + apiPort + "\","
                + "\"managementListenAddress\": \"127.0.0.1:" + E2e.freePort() + "\","
                + "\"certificate\": \"" + dir.resolve("api-cert.pem") + "\","
                + "\"privateKey\": \"" + dir.resolve("api-key.pem") + "\","
                + "\"httpPort\": " + httpPort + ", \"tlsPort\": " + tlsPort + ","
                + "\"certificateValidityPeriod\": " + validitySeconds + ","
                + "\"ocspResponderURL\": \"\", \"externalAccountBindingRequired\": false}}\n");
        dns = Cli.Running.start(List.of(CHALLTESTSRV.toString(), "-defaultIPv4", "127.0.0.1", "-defaultIPv6", "",
                "-dns01", "127.0.0.1:" + dnsPort, "-http01", "", "-https01", "", "-tlsalpn01", "",
                "-management", "127.0.0.1:" + E2e.freePort()), Map.of());
        // no random sleeps, no rejected nonces, no reused authorizations: each order is validated again
        ca = Cli.Running.start(List.of(PEBBLE.toString(), "-config", dir.resolve("pebble.json").toString(),
                "-dnsserver", "127.0.0.1:" + dnsPort), Map.of("PEBBLE_VA_NOSLEEP", "1", "PEBBLE_WFE_NONCEREJECT", "0",
                "PEBBLE_AUTHZREUSE", "0", "PEBBLE_VA_ALWAYS_VALID", "0"));
        ca.awaitOutput("ACME directory available at", Duration.ofSeconds(20));
    }

    String directory() {
        return "https://localhost:" + apiPort + "/dir";
    }

    Path apiCert() {
        return dir.resolve("api-cert.pem");
    }

    String log() {
        return ca.stdoutText() + ca.stderrText();
    }

    @Override
    public void close() throws IOException {
        ca.close();
        dns.close();
    }
}
