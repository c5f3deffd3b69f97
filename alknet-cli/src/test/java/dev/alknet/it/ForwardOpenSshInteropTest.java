package dev.alknet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.alknet.client.AlknetClient;
import dev.alknet.client.ClientOptions;
import dev.alknet.client.forward.ForwardSpec;
import dev.alknet.client.forward.Forwards;
import dev.alknet.core.config.ServerAddress;
import dev.alknet.core.hostkeys.HostKeyPolicy;
import dev.alknet.server.AlknetServer;
import dev.alknet.server.ServerOptions;
import dev.alknet.testkit.Await;
import dev.alknet.testkit.Eventually;
import dev.alknet.testkit.PortProbe;
import dev.alknet.transport.TransportSettings;
import dev.alknet.transport.Transports;
import dev.alknet.transport.tcp.TcpTransport;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Forwards and keepalive against stock OpenSSH: alknet's -L/-R through {@code sshd}, and {@code ssh -R} through
 * an alknet server whose client-alive check must take OpenSSH's "request failure" answer as a sign of life.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ForwardOpenSshInteropTest {

    private static final long SIZE = 4L * 1024 * 1024;
    private static WebServer web;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/curl")), "curl not installed");
        web = new WebServer();
    }

    @AfterAll
    static void stop() {
        if (web != null) {
            web.close();
        }
    }

    @Test
    void alknetForwardsThroughStockSshd() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/sshd")), "OpenSSH server not installed");
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root to log in as root");
        E2e.Keys keys = E2e.keys();
        Path dir = keys.dir();
        run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", dir.resolve("sshd_host_key").toString());
        int port = E2e.freePort();
        Files.writeString(dir.resolve("sshd_config"), String.join("\n",
                "Port " + port, "ListenAddress 127.0.0.1", "HostKey " + dir.resolve("sshd_host_key"),
                "AuthorizedKeysFile " + keys.home().authorizedKeys(), "PidFile " + dir.resolve("sshd.pid"),
                "PasswordAuthentication no", "KbdInteractiveAuthentication no", "UsePAM no", "StrictModes no",
                "PermitRootLogin prohibit-password", "AllowTcpForwarding yes",
                "LogLevel DEBUG1", "")); // DEBUG1: one line per keepalive request, counted below
        Files.createDirectories(Path.of("/run/sshd"));
        Process sshd = new ProcessBuilder("/usr/sbin/sshd", "-D", "-e", "-f", dir.resolve("sshd_config").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("sshd.log").toFile()).start();
        int remote = E2e.freePort();
        try {
            OpenSshInteropTest.waitForPort(port, sshd);
            ClientOptions options = new ClientOptions(ServerAddress.parse("tcp://root@127.0.0.1:" + port, false),
                    new TcpTransport(Duration.ofSeconds(5)), keys.identity(), keys.home().knownHosts(),
                    HostKeyPolicy.TRUST_ON_FIRST_USE, null, Duration.ofSeconds(10), Duration.ofSeconds(10),
                    Duration.ofSeconds(1), 3);
            Forwards forwards = new Forwards(List.of(ForwardSpec.parse("0:localhost:" + web.port())),
                    List.of(ForwardSpec.parse(remote + ":127.0.0.1:" + web.port())));
            try (AlknetClient client = AlknetClient.start(options, new InetSocketAddress("127.0.0.1", 0), forwards)) {
                client.sessions().session().get(15, TimeUnit.SECONDS);
                fetch(client.localForwardAddresses().get(0).getPort(), dir, 1);
                fetchWhenListening(remote, dir, 2); // -R is registered just after the session came up
                // three heartbeats: OpenSSH must answer ours (unanswered, the session would drop after three)
                awaitKeepalives(dir.resolve("sshd.log"), "server_input_global_request", 3);
                assertEquals(0, client.openStreams());
                fetch(remote, dir, 3);
            }
        } finally {
            sshd.destroy();
            sshd.waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void stockSshRemoteForwardThroughAlknetServerStaysAliveWhenIdle() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/ssh")), "OpenSSH client not installed");
        E2e.Keys keys = E2e.keys();
        AlknetServer server = AlknetServer.start(new ServerOptions(
                List.of(ServerAddress.parse("tcp://127.0.0.1:0", true)), keys.hostKey(), keys.home().authorizedKeys(),
                a -> Transports.create(a.scheme(), TransportSettings.defaults()), 6)
                .withClientAlive(Duration.ofMillis(500), 3));
        int remote = E2e.freePort();
        Process ssh = new ProcessBuilder("ssh", "-N", "-R", remote + ":127.0.0.1:" + web.port(),
                "-i", keys.home().identity().toString(), "-p", String.valueOf(server.listeners().get(0).localAddress().getPort()),
                "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes",
                "-o", "IdentitiesOnly=yes", "-F", "/dev/null", "-o", "ExitOnForwardFailure=yes",
                "-v", "alknet@127.0.0.1") // -v: one line per keepalive request, counted below
                .redirectErrorStream(true).redirectOutput(keys.dir().resolve("ssh.log").toFile()).start();
        try {
            fetchWhenListening(remote, keys.dir(), 4);
            // six client-alive checks; OpenSSH answers each with REQUEST_FAILURE (unanswered: dropped after three)
            awaitKeepalives(keys.dir().resolve("ssh.log"), "client_input_global_request", 6);
            assertTrue(ssh.isAlive(), Files.readString(keys.dir().resolve("ssh.log")));
            assertEquals(1, server.sessionCount());
            fetch(remote, keys.dir(), 5);
        } finally {
            ssh.destroy();
            ssh.waitFor(5, TimeUnit.SECONDS);
            server.close();
        }
    }

    private static void fetch(int port, Path dir, long seed) throws Exception {
        Path out = dir.resolve("got-" + seed);
        assertEquals(0, ForwardFixtures.curl("http://127.0.0.1:" + port + "/blob?size=" + SIZE + "&seed=" + seed, out));
        assertEquals(WebServer.Blob.sha256(SIZE, seed), Files2.sha256(out));
        Files.delete(out);
    }

    private static void fetchWhenListening(int port, Path dir, long seed) throws Exception {
        Eventually.within(Duration.ofSeconds(10), Duration.ofMillis(100), () -> PortProbe.accepts(port));
        fetch(port, dir, seed);
    }

    /** Waits until OpenSSH's debug log shows {@code n} keepalive requests received (by {@code function}). */
    private static void awaitKeepalives(Path log, String function, int n) throws Exception {
        String line = function + ": rtype " + dev.alknet.core.keepalive.PeerAliveProbe.REQUEST;
        Await.await(() -> count(log, line) >= n, Duration.ofSeconds(30),
                () -> n + " keepalives in " + log + ": " + count(log, line));
    }

    private static long count(Path log, String line) {
        try {
            return Files.readAllLines(log).stream().filter(l -> l.contains(line)).count();
        } catch (java.io.IOException e) {
            return 0;
        }
    }

    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new java.io.IOException(String.join(" ", cmd) + " failed: " + out);
        }
    }
}
