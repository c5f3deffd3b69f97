package dev.alknet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alknet.transport.tls.TlsCertificates;
import dev.alknet.transport.tls.TlsKeyMaterial;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A real {@code alknet serve --tls-cert} whose files are replaced while a tunnel is open: SIGHUP, then a
 * replacement noticed on its own; each time new handshakes get the new certificate while the open stream goes on
 * over the same SSH session (the server counted one session, resumed none). The client pins old and new key
 * ({@code --tls-pin A,B}), as for a key roll. The same for a wss listener (its own TLS, not the tls listener's).
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class CertificateReloadEndToEndTest {

    @ParameterizedTest
    @ValueSource(strings = {"tls://127.0.0.1:%d", "wss://127.0.0.1:%d/assets/socket"})
    void newHandshakesGetTheNewCertificateAndTheTunnelStaysUp(String listen) throws Exception {
        E2e.Keys keys = E2e.keys();
        Path cert = keys.dir().resolve("site-cert.pem");
        Path key = keys.dir().resolve("site-key.pem");
        TlsKeyMaterial first = TlsCertificates.generate("reload.example.com");
        TlsKeyMaterial second = TlsCertificates.generate("reload.example.com");
        TlsKeyMaterial third = TlsCertificates.generate("reload.example.com");
        TlsCertificates.writePem(first, cert, key);
        int port = E2e.freePort();
        String address = String.format(listen, port);
        try (E2e.EchoServer echo = new E2e.EchoServer(2);
                Cli.Running server = Cli.Running.alknet("serve", "--home", keys.dir().toString(),
                        "--listen", address, "--tls-cert", cert.toString(), "--tls-key",
                        key.toString(), "--allow", "loopback", "--metrics", "127.0.0.1:0");
                Cli.Running client = Cli.Running.alknet("connect", address, "--home",
                        keys.dir().toString(), "--socks", "127.0.0.1:0", "--tls-pin", first.pin(),
                        "--tls-pin", second.pin() + "," + third.pin())) {
            String metrics = ForwardFixtures.awaitGroup(server, "metrics on (http://127\\.0\\.0\\.1:\\d+/metrics)");
            int socks = Integer.parseInt(ForwardFixtures.awaitGroup(client, "SOCKS5h proxy on /127\\.0\\.0\\.1:(\\d+)"));
            client.awaitLine(l -> l.contains("tunnel up"), Duration.ofSeconds(30));
            assertEquals(first.certificate(), TlsPeek.leaf(port, null));
            try (Socket stream = TlsPeek.echoStream(socks, echo.port())) {
                TlsCertificates.writePem(second, cert, key);
                TlsPeek.hup(server.process);
                // the file check may have seen the change first: then SIGHUP finds nothing new
                server.awaitLine(l -> l.contains("SIGHUP"), Duration.ofSeconds(20));
                server.awaitLine(l -> l.contains("TLS certificate reloaded from") && l.contains(second.pin()),
                        Duration.ofSeconds(20));
                assertEquals(second.certificate(), TlsPeek.leaf(port, null));
                TlsPeek.roundTrip(stream, "after the SIGHUP");

                // no signal: the server notices the files changed (checked every few seconds)
                TlsCertificates.writePem(third, cert, key);
                server.awaitLine(l -> l.contains("TLS certificate reloaded from") && l.contains(third.pin()),
                        Duration.ofSeconds(30));
                assertEquals(third.certificate(), TlsPeek.leaf(port, null));
                TlsPeek.roundTrip(stream, "after the file change");
            }
            String s = TlsPeek.scrape(metrics);
            assertEquals(1.0, TlsPeek.metric(s, "alknet_sessions_total"), s);
            assertEquals(0.0, TlsPeek.metric(s, "alknet_resumes_total"), s);
            assertEquals(third.certificate().getNotAfter().toInstant().getEpochSecond(),
                    TlsPeek.metric(s, "alknet_tls_certificate_expiry_timestamp_seconds"), s);
            assertTrue(!client.stderrText().contains("tunnel up again"), client.stderrText());
        }
    }
}
