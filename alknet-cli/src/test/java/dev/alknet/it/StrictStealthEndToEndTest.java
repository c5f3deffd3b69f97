package dev.alknet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.alknet.client.AlknetClient;
import dev.alknet.client.ClientOptions;
import dev.alknet.core.config.ServerAddress;
import dev.alknet.core.hostkeys.HostKeyPolicy;
import dev.alknet.transport.TransportSettings;
import dev.alknet.transport.Transports;
import dev.alknet.transport.stealth.StealthKey;
import dev.alknet.transport.stealth.StrictProofClient;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code alknet serve --stealth=strict} as a real process on tcp, tls and quic (docs/adr/0014): it makes
 * its key and prints share strings; curl and stock ssh see only the web server; alknet clients with the key
 * (in-process and {@code alknet connect <share string>}) get through byte-exact; a wrong key gets a clear
 * one-line error.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class StrictStealthEndToEndTest {

    private static final long SIZE = 2L * 1024 * 1024;
    private static E2e.Keys keys;
    private static Cli.Running server;
    private static WebServer web;
    private static StealthKey key;
    private static final Map<String, String> shares = new java.util.HashMap<>();

    @BeforeAll
    static void start() throws Exception {
        keys = E2e.keys();
        server = Cli.Running.alknet("serve", "--home", keys.dir().toString(),
                "--listen", "tcp://127.0.0.1:0", "--listen", "tls://127.0.0.1:0", "--listen", "quic://127.0.0.1:0",
                "--stealth=strict", "--print-share", "--allow", "loopback");
        for (String scheme : new String[] {"tcp", "tls", "quic"}) {
            shares.put(scheme, "alknet://" + scheme + "/" + ForwardFixtures.awaitGroup(server,
                    "share: alknet://" + scheme + "/(\\S+)"));
        }
        Path keyFile = keys.dir().resolve("stealth_key");
        assertTrue(Files.exists(keyFile), "the key is made in the home");
        assertEquals(java.util.Set.of(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                java.nio.file.attribute.PosixFilePermission.OWNER_WRITE), Files.getPosixFilePermissions(keyFile));
        key = StealthKey.load(keyFile);
        assertTrue(server.stderrText().contains("created stealth key"), server.stderrText());
        web = new WebServer();
    }

    @AfterAll
    static void stop() throws Exception {
        if (web != null) {
            web.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static int port(String scheme) {
        String s = shares.get(scheme);
        return Integer.parseInt(s.substring(s.lastIndexOf(':') + 1, s.indexOf('?')));
    }

    @Test
    void curlAndStockSshSeeOnlyTheWebServer() throws Exception {
        for (String url : new String[] {"http://127.0.0.1:" + port("tcp") + "/", "https://127.0.0.1:" + port("tls") + "/"}) {
            Cli.Result r = Cli.runCommand(List.of("curl", "-sk", "-D", "-", url), Map.of(), Duration.ofSeconds(30));
            assertTrue(r.stdout().startsWith("HTTP/1.1 403 Forbidden\r\nServer: nginx\r\n"), url + ": " + r.stdout());
            assertFalse(r.stdout().contains("SSH-"));
        }
        // browsers' ALPN: the TLS port negotiates http/1.1 as nginx does, never alknet's own protocol
        Cli.Result alpn = Cli.runCommand(List.of("curl", "-skv", "-o", "/dev/null", "https://127.0.0.1:" + port("tls") + "/"),
                Map.of(), Duration.ofSeconds(30));
        assertTrue(alpn.stderr().contains("ALPN: server accepted http/1.1"), alpn.stderr());
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/ssh")), "OpenSSH client not installed");
        Cli.Result ssh = Cli.runCommand(List.of("ssh", "-N", "-p", String.valueOf(port("tcp")),
                "-i", keys.home().identity().toString(), "-o", "StrictHostKeyChecking=no",
                "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes", "-o", "ConnectTimeout=20", "-F", "/dev/null",
                "alknet@127.0.0.1"), Map.of(), Duration.ofSeconds(60));
        assertNotEquals(0, ssh.exit());
        assertFalse(ssh.stderr().contains("SSH-2.0-alknet"), ssh.stderr());
    }

    @Test
    void clientsWithTheKeyGetThroughOnEveryTransport() throws Exception {
        for (String scheme : new String[] {"tcp", "tls", "quic"}) {
            ServerAddress target = ServerAddress.parse(scheme + "://127.0.0.1:" + port(scheme), false);
            TransportSettings settings = TransportSettings.builder().connectTimeout(Duration.ofSeconds(20))
                    .stealthKey(key).build();
            ClientOptions options = new ClientOptions(target, Transports.create(scheme, settings),
                    keys.identity(), keys.home().knownHosts(), HostKeyPolicy.TRUST_ON_FIRST_USE, null,
                    Duration.ofSeconds(20), Duration.ofSeconds(20), Duration.ofSeconds(15), 3);
            try (AlknetClient client = AlknetClient.start(options, new InetSocketAddress("127.0.0.1", 0))) {
                fetchAndCheck("127.0.0.1:" + client.socksAddress().getPort(), scheme);
            }
        }
    }

    @Test
    void theCliTakesAShareStringAndNamesAWrongKey() throws Exception {
        int socks = E2e.freePort();
        try (Cli.Running client = Cli.Running.alknet("connect", "--home", keys.dir().toString(),
                "--socks", "127.0.0.1:" + socks, "--connect-timeout", "20s", shares.get("tls"))) {
            client.awaitLine(l -> l.contains("tunnel up"), Duration.ofSeconds(60));
            fetchAndCheck("127.0.0.1:" + socks, "cli-share");
        }
        Cli.Result wrong = Cli.run("connect", "--home", keys.dir().toString(), "--socks", "127.0.0.1:0",
                "--connect-timeout", "20s", "--stealth-key", StealthKey.random().text(), "tcp://127.0.0.1:" + port("tcp"));
        assertEquals(1, wrong.exit(), wrong.stderr());
        assertTrue(wrong.stderr().lines().anyMatch(l -> l.equals("alknet: tcp://127.0.0.1:" + port("tcp") + ": "
                + StrictProofClient.REFUSED)), wrong.stderr());
        assertFalse(wrong.stderr().contains("Exception"), wrong.stderr());
    }

    private void fetchAndCheck(String socks, String what) throws Exception {
        Path out = keys.dir().resolve("got-" + what);
        Curl.Result r = Curl.fetch(socks, "http://localhost:" + web.port() + "/blob?size=" + SIZE + "&seed=5", out,
                "--retry", "3", "--retry-all-errors", "--retry-delay", "1");
        assertEquals(0, r.exit(), what + ": " + r.stderr());
        assertEquals(WebServer.Blob.sha256(SIZE, 5), Files2.sha256(out), what);
    }
}
