package dev.alknet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alknet.transport.stealth.StealthKey;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a real {@code alknet serve} gives away by default: metrics without an address are on loopback only (and any
 * other address gets a warning), a flood of denied UDP datagrams logs a bounded number of lines, and a strict stealth
 * server prints no share string (they hold the key) unless {@code --print-share} asks for them.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ServeDisclosureEndToEndTest {

    private static final String METRICS_WARNING = "warning: --metrics ";

    private static Cli.Running serve(E2e.Keys keys, String... more) throws Exception {
        return serve(keys, E2e.freePort(), more);
    }

    private static Cli.Running serve(E2e.Keys keys, int port, String... more) throws Exception {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("serve", "--listen",
                "tcp://127.0.0.1:" + port, "--home", keys.dir().toString()));
        args.addAll(java.util.List.of(more));
        Cli.Running s = Cli.Running.alknet(args.toArray(String[]::new));
        s.awaitLine(l -> l.contains("listening on tcp://127.0.0.1:" + port), Duration.ofSeconds(30));
        return s;
    }

    @Test
    void metricsWithoutAnAddressListenOnLoopbackOnlyAndOtherAddressesWarn() throws Exception {
        E2e.Keys keys = E2e.keys();
        try (Cli.Running server = serve(keys, "--metrics", ":0")) {
            int port = Integer.parseInt(ForwardFixtures.awaitGroup(server,
                    "metrics on http://127\\.0\\.0\\.1:(\\d+)/metrics"));
            try (Socket s = new Socket("127.0.0.1", port)) {
                assertTrue(s.isConnected());
            }
            // bound to 127.0.0.1 itself, not to every address: another address of the machine is refused
            assertThrows(ConnectException.class, () -> {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.2", port), 5_000);
                }
            });
            assertFalse(server.stderrText().contains(METRICS_WARNING), server.stderrText());
        }
        try (Cli.Running server = serve(keys, "--metrics", "0.0.0.0:0")) {
            ForwardFixtures.awaitGroup(server, "metrics on http://0\\.0\\.0\\.0:(\\d+)/metrics");
            assertTrue(server.stderrText().contains(METRICS_WARNING + "0.0.0.0:0 is reachable beyond this machine"),
                    server.stderrText());
        }
    }

    @Test
    void aFloodOfDeniedDatagramsLogsABoundedNumberOfLines() throws Exception {
        E2e.Keys keys = E2e.keys();
        int socks = E2e.freePort();
        int port = E2e.freePort();
        int flood = 500;
        try (UdpTestServers.Echo echo = new UdpTestServers.Echo();
                Cli.Running server = serve(keys, port, "--deny", "192.0.2.0/24", "--allow", "loopback");
                Cli.Running client = Cli.Running.alknet("connect", "tcp://127.0.0.1:" + port, "--home",
                        keys.dir().toString(), "--socks", "127.0.0.1:" + socks);
                SocksUdpClient udp = associate(client, socks)) {
            byte[] payload = "denied?".getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < flood; i++) {
                udp.send("192.0.2.1", 9, payload); // TEST-NET-1, denied before anything is sent
            }
            // the association carries datagrams in order: once an allowed one comes back, the flood was handled
            SocksUdpClient.Reply r = null;
            for (int i = 0; i < 20 && r == null; i++) {
                udp.send("127.0.0.1", echo.port(), "after".getBytes(StandardCharsets.US_ASCII));
                r = udp.receive(2_000);
            }
            assertNotNull(r, "the echo behind the flood");
            long lines = ForwardFixtures.count(server, "denied 192.0.2.1 port 9 by policy");
            assertTrue(lines >= 1, "denials are still logged\n" + server.stderrText());
            // at most 20 a minute: two windows if the flood straddles a boundary, never one line per datagram
            assertTrue(lines <= 40, lines + " lines for " + flood + " denied datagrams");
        }
    }

    private static SocksUdpClient associate(Cli.Running client, int socks) throws Exception {
        client.awaitLine(l -> l.contains("tunnel up"), Duration.ofSeconds(30));
        return SocksUdpClient.associate(socks);
    }

    @Test
    void strictStealthPrintsNoShareStringUnlessAsked() throws Exception {
        E2e.Keys keys = E2e.keys();
        try (Cli.Running server = serve(keys, "--stealth=strict", "--allow", "loopback")) {
            server.awaitLine(l -> l.contains("share strings not printed"), Duration.ofSeconds(10));
            String key = StealthKey.load(keys.dir().resolve("stealth_key")).text();
            String out = server.stderrText() + server.stdoutText();
            assertFalse(out.contains("alknet://") || out.contains(key), out);
        }
        try (Cli.Running server = serve(keys, "--stealth=strict", "--print-share", "--allow", "loopback")) {
            String share = ForwardFixtures.awaitGroup(server, "share: (alknet://tcp/\\S+)");
            assertTrue(share.contains("key="), share);
        }
        Cli.Result misplaced = Cli.run("serve", "--listen", "tcp://127.0.0.1:" + E2e.freePort(), "--home",
                keys.dir().toString(), "--stealth", "--print-share");
        assertEquals(1, misplaced.exit(), misplaced.toString());
        assertTrue(misplaced.stderr().contains("--print-share is for --stealth=strict only"), misplaced.toString());
    }
}
