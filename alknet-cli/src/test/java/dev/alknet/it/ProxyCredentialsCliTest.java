package dev.alknet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code alknet connect --socks-user --socks-password-file} as a real process, curl on its port. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProxyCredentialsCliTest {

    @Test
    void thePasswordFromTheFileGuardsEveryDialect() throws Exception {
        E2e.Keys keys = E2e.keys();
        Path pw = Files.writeString(keys.dir().resolve("proxy-pw"), "from a file\n");
        try (E2e.Server server = E2e.server(keys, (h, p, s) -> true); WebServer web = new WebServer()) {
            String home = keys.dir().toString();
            String target = "tcp://127.0.0.1:" + server.port();
            int port = E2e.freePort();
            try (Cli.Running client = Cli.Running.alknet("connect", target, "--home", home, "--socks",
                    "127.0.0.1:" + port, "--socks-user", "me", "--socks-password-file", pw.toString())) {
                client.awaitLine(l -> l.contains("tunnel up"), Duration.ofSeconds(20));
                String url = "http://localhost:" + web.port() + "/blob?size=1000&seed=3";
                ProxyDialectsEndToEndTest.Run ok = ProxyDialectsEndToEndTest.curl("--socks5-hostname",
                        "me:from%20a%20file@127.0.0.1:" + port, "-o", "/dev/null", "-w", "%{size_download}", url);
                assertEquals("1000", ok.stdout(), ok.toString());
                ProxyDialectsEndToEndTest.Run http = ProxyDialectsEndToEndTest.curl("-x",
                        "http://me:from%20a%20file@127.0.0.1:" + port, "-o", "/dev/null", "-w", "%{http_code}", url);
                assertEquals("200", http.stdout(), http.toString());
                ProxyDialectsEndToEndTest.Run none = ProxyDialectsEndToEndTest.curl("--socks5-hostname",
                        "127.0.0.1:" + port, "-o", "/dev/null", url);
                assertEquals(97, none.exit(), none.toString());
                assertFalse(client.stderrText().contains("warning:"), "loopback: no warning\n" + client.stderrText());
                assertEquals(0, client.terminate(Duration.ofSeconds(15)));
            }
        }
    }

    @Test
    void halfTheCredentialsOrAMissingFileIsAnError() throws Exception {
        E2e.Keys keys = E2e.keys();
        String home = keys.dir().toString();
        Cli.Result userOnly = Cli.run("connect", "tcp://127.0.0.1:1", "--home", home, "--socks",
                "127.0.0.1:" + E2e.freePort(), "--socks-user", "me");
        assertEquals(1, userOnly.exit(), userOnly.toString());
        assertTrue(userOnly.stderr().contains("--socks-user and --socks-password-file go together"), userOnly.toString());
        Cli.Result missing = Cli.run("connect", "tcp://127.0.0.1:1", "--home", home, "--socks",
                "127.0.0.1:" + E2e.freePort(), "--socks-user", "me", "--socks-password-file",
                keys.dir().resolve("nope").toString());
        assertEquals(1, missing.exit(), missing.toString());
        assertTrue(missing.stderr().contains("no such file"), missing.toString());
    }
}
