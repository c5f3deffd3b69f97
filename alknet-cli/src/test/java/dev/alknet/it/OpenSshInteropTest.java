package dev.alknet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.alknet.client.AlknetClient;
import dev.alknet.client.ClientOptions;
import dev.alknet.core.config.ServerAddress;
import dev.alknet.core.hostkeys.HostKeyPolicy;
import dev.alknet.testkit.PortProbe;
import dev.alknet.testkit.Socks5Probe;
import dev.alknet.transport.tcp.TcpTransport;
import java.io.IOException;
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

/** Stock OpenSSH on either side of alknet: {@code ssh -N -D} against alknet serve, alknet connect against sshd. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OpenSshInteropTest {

    private static final long SIZE = 8L * 1024 * 1024;
    private static WebServer web;

    @BeforeAll
    static void start() throws IOException {
        web = new WebServer();
    }

    @AfterAll
    static void stop() {
        web.close();
    }

    @Test
    void stockSshDynamicForwardThroughAlknetServer() throws Exception {
        sshDynamicForward();
    }

    /**
     * The client of Debian 11 (OpenSSH 8.4), the oldest we support, imitated with its default algorithm lists:
     * no post-quantum key exchange, CTR ciphers and SHA-1/UMAC MACs offered too. It must meet curve25519, chacha20 or
     * AES-GCM among what alknet serve offers.
     */
    @Test
    void stockSshWithDebian11DefaultAlgorithms() throws Exception {
        sshDynamicForward("-o", "KexAlgorithms=curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,"
                + "ecdh-sha2-nistp384,ecdh-sha2-nistp521,diffie-hellman-group-exchange-sha256,"
                + "diffie-hellman-group16-sha512,diffie-hellman-group18-sha512,diffie-hellman-group14-sha256",
                "-o", "Ciphers=chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr,aes128-gcm@openssh.com,"
                        + "aes256-gcm@openssh.com",
                "-o", "MACs=umac-64-etm@openssh.com,umac-128-etm@openssh.com,hmac-sha2-256-etm@openssh.com,"
                        + "hmac-sha2-512-etm@openssh.com,hmac-sha1-etm@openssh.com,umac-64@openssh.com,"
                        + "umac-128@openssh.com,hmac-sha2-256,hmac-sha2-512,hmac-sha1",
                "-o", "HostKeyAlgorithms=ssh-ed25519-cert-v01@openssh.com,ecdsa-sha2-nistp256-cert-v01@openssh.com,"
                        + "rsa-sha2-512-cert-v01@openssh.com,ssh-ed25519,ecdsa-sha2-nistp256,rsa-sha2-512,"
                        + "rsa-sha2-256");
    }

    /** {@code ssh -N -D} (with {@code extra} options) against alknet serve, then a download through it. */
    private static void sshDynamicForward(String... extra) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/ssh")), "OpenSSH client not installed");
        try (Tunnel t = Tunnel.start("tcp")) {
            int serverPort = t.server.listeners().get(0).localAddress().getPort();
            int socks = freePort();
            List<String> cmd = new java.util.ArrayList<>(List.of("ssh", "-N", "-D", "127.0.0.1:" + socks,
                    "-i", t.home.resolve("id_ed25519").toString(), "-p", String.valueOf(serverPort),
                    "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes",
                    "-o", "IdentitiesOnly=yes", "-F", "/dev/null", "-o", "ExitOnForwardFailure=yes"));
            cmd.addAll(List.of(extra));
            cmd.add("alknet@127.0.0.1");
            Process ssh = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(t.home.resolve("ssh.log").toFile()).start();
            try {
                waitForPort(socks, ssh);
                fetchAndCheck("127.0.0.1:" + socks, t.home);
            } finally {
                ssh.destroy();
                ssh.waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void alknetConnectThroughStockSshd() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/sshd")), "OpenSSH server not installed");
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root to log in as root");
        Path dir = Files.createTempDirectory("alknet-sshd-");
        try (Tunnel keys = Tunnel.start("tcp")) {
            run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", dir.resolve("host_key").toString());
            Files.copy(keys.home.resolve("id_ed25519.pub"), dir.resolve("authorized_keys"));
            int port = freePort();
            Files.writeString(dir.resolve("sshd_config"), String.join("\n",
                    "Port " + port, "ListenAddress 127.0.0.1", "HostKey " + dir.resolve("host_key"),
                    "AuthorizedKeysFile " + dir.resolve("authorized_keys"), "PidFile " + dir.resolve("sshd.pid"),
                    "PasswordAuthentication no", "KbdInteractiveAuthentication no", "UsePAM no",
                    "StrictModes no", "PermitRootLogin prohibit-password", "AllowTcpForwarding yes", ""));
            Files.createDirectories(Path.of("/run/sshd"));
            Process sshd = new ProcessBuilder("/usr/sbin/sshd", "-D", "-e", "-f", dir.resolve("sshd_config").toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("sshd.log").toFile()).start();
            try {
                waitForPort(port, sshd);
                ServerAddress target = ServerAddress.parse("tcp://root@127.0.0.1:" + port, false);
                ClientOptions options = new ClientOptions(target, new TcpTransport(Duration.ofSeconds(5)),
                        keys.identity, dir.resolve("known_hosts"), HostKeyPolicy.TRUST_ON_FIRST_USE, null,
                        Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(15), 3);
                try (AlknetClient client = AlknetClient.start(options, new InetSocketAddress("127.0.0.1", 0))) {
                    fetchAndCheck("127.0.0.1:" + client.socksAddress().getPort(), dir);
                    // A closed port behind stock sshd must still come back as "connection refused".
                    try (Socks5Probe p = new Socks5Probe(client.socksAddress().getPort())) {
                        assertEquals(5, p.connectDomain("localhost", freePort()));
                    }
                }
                List<String> known = Files.readAllLines(dir.resolve("known_hosts"));
                assertEquals(1, known.size());
                assertEquals(true, known.get(0).startsWith("[127.0.0.1]:" + port + " ssh-ed25519 "));
            } finally {
                sshd.destroy();
                sshd.waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    private static void fetchAndCheck(String socks, Path dir) throws Exception {
        Path out = dir.resolve("got");
        Curl.Result r = Curl.fetch(socks, "http://localhost:" + web.port() + "/blob?size=" + SIZE + "&seed=7", out,
                "--retry", "3", "--retry-all-errors", "--retry-delay", "1");
        assertEquals(0, r.exit(), r.stderr());
        assertEquals(WebServer.Blob.sha256(SIZE, 7), Files2.sha256(out));
    }

    static int freePort() throws IOException {
        return E2e.freePort();
    }

    static void waitForPort(int port, Process p) throws Exception {
        PortProbe.awaitAccepting(port, Duration.ofSeconds(20), p);
    }

    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out);
        }
    }
}
