package dev.alknet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.alknet.client.AlknetClient;
import dev.alknet.core.config.ServerAddress;
import dev.alknet.core.keys.KeyFiles;
import dev.alknet.server.AccessOptions;
import dev.alknet.server.AlknetServer;
import dev.alknet.server.ServerOptions;
import dev.alknet.testkit.Socks5Probe;
import dev.alknet.transport.TransportSettings;
import dev.alknet.transport.Transports;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Destination policy and authorized_keys options through a real server and client (docs/adr/0012): each key's line in
 * authorized_keys carries its options; SOCKS replies are read on the wire. Certificates are made with the real
 * {@code ssh-keygen -s} and used by the real OpenSSH client.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AccessPolicyEndToEndTest {

    private static E2e.Keys keys;
    private static E2e.EchoServer echo;
    private static WebServer web;
    private static AlknetServer server;

    @BeforeAll
    static void start() throws Exception {
        keys = E2e.keys();
        echo = new E2e.EchoServer(4);
        web = new WebServer();
        // The CLI's safe default: loopback, link-local and the server's own addresses denied, nothing allowed extra.
        server = AlknetServer.start(new ServerOptions(List.of(ServerAddress.parse("tcp://127.0.0.1:0", true)),
                keys.hostKey(), keys.home().authorizedKeys(),
                a -> Transports.create(a.scheme(), TransportSettings.defaults()), 6)
                .withAccess(AccessOptions.safeDefaults()));
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        echo.close();
        web.close();
    }

    private static int serverPort() {
        return server.listeners().get(0).localAddress().getPort();
    }

    /** A fresh identity whose authorized_keys line carries {@code options}. */
    private static KeyPair authorize(String options, String comment) throws Exception {
        Path f = Files.createTempDirectory(keys.dir(), "id-").resolve("id");
        KeyPair id = KeyFiles.loadOrCreate(f, comment).pair();
        String line = (options.isEmpty() ? "" : options + " ") + KeyFiles.publicKeyLine(id.getPublic(), comment);
        Files.writeString(keys.home().authorizedKeys(), line + "\n", java.nio.file.StandardOpenOption.APPEND);
        return id;
    }

    private static AlknetClient client(KeyPair id) throws Exception {
        return AlknetClient.start(E2e.clientOptions(id, keys.home().knownHosts(), serverPort(),
                dev.alknet.core.hostkeys.HostKeyPolicy.TRUST_ON_FIRST_USE, null, Duration.ofSeconds(5)),
                new InetSocketAddress("127.0.0.1", 0));
    }

    @Test
    void safeDefaultDeniesLoopbackWithForbidden02() throws Exception {
        try (AlknetClient c = client(authorize("", "plain"))) {
            c.sessions().session().get(15, TimeUnit.SECONDS);
            int socks = c.socksAddress().getPort();
            assertEquals(E2e.FORBIDDEN, E2e.connect(socks, "127.0.0.1", echo.port()));
            assertEquals(E2e.FORBIDDEN, E2e.connect(socks, "localhost", echo.port()));
            assertEquals(E2e.FORBIDDEN, E2e.connect(socks, "::1", echo.port()));
            assertEquals(E2e.FORBIDDEN, E2e.connect(socks, "169.254.169.254", 80));
            assertEquals(E2e.FORBIDDEN, E2e.connect(socks, "0.0.0.0", echo.port()));
            assertEquals(E2e.HOST_UNREACHABLE, E2e.connect(socks, "alknet-internal", 80), "reserved, never resolved");
            Curl.Result r = Curl.fetch("127.0.0.1:" + socks, "http://127.0.0.1:" + web.port() + "/", keys.dir()
                    .resolve("denied"));
            assertEquals(97, r.exit(), "curl: SOCKS failure, " + r.stderr());
        }
    }

    @Test
    void permitopenRestrictsAndGrants() throws Exception {
        KeyPair id = authorize("permitopen=\"127.0.0.1:" + echo.port() + "\",permitopen=\"localhost:" + web.port()
                + "\"", "ops");
        try (AlknetClient c = client(id)) {
            c.sessions().session().get(15, TimeUnit.SECONDS);
            int socks = c.socksAddress().getPort();
            assertEquals(E2e.SUCCEEDED, E2e.connect(socks, "127.0.0.1", echo.port()), "named by permitopen");
            assertEquals(E2e.FORBIDDEN, E2e.connect(socks, "127.0.0.1", web.port()));
            assertEquals(E2e.FORBIDDEN, E2e.connect(socks, "localhost", echo.port()), "compared literally");
            assertEquals(E2e.FORBIDDEN, E2e.connect(socks, "192.0.2.1", 80), "anything else");
            Curl.Result r = Curl.fetch("127.0.0.1:" + socks, "http://localhost:" + web.port() + "/blob?size=1000&seed=1",
                    keys.dir().resolve("got"));
            assertEquals(0, r.exit(), r.stderr());
        }
    }

    @Test
    void noPortForwardingAndRestrict() throws Exception {
        KeyPair none = authorize("no-port-forwarding,permitopen=\"127.0.0.1:" + echo.port() + "\"", "none");
        KeyPair restricted = authorize("restrict", "restricted");
        KeyPair reenabled = authorize("restrict,port-forwarding,permitopen=\"127.0.0.1:" + echo.port() + "\"", "re");
        for (KeyPair id : List.of(none, restricted)) {
            try (AlknetClient c = client(id)) {
                c.sessions().session().get(15, TimeUnit.SECONDS);
                assertEquals(E2e.FORBIDDEN, E2e.connect(c.socksAddress().getPort(), "127.0.0.1", echo.port()));
            }
        }
        try (AlknetClient c = client(reenabled)) {
            c.sessions().session().get(15, TimeUnit.SECONDS);
            assertEquals(E2e.SUCCEEDED, E2e.connect(c.socksAddress().getPort(), "127.0.0.1", echo.port()));
        }
    }

    /** permitlisten limits where -R may listen; no-port-forwarding refuses -R too. */
    @Test
    void permitlistenAndRemoteForwards() throws Exception {
        int allowed = E2e.freePort();
        int other = E2e.freePort();
        KeyPair listener = authorize("permitlisten=\"localhost:" + allowed + "\"", "listener");
        KeyPair none = authorize("no-port-forwarding", "no-fwd");
        org.apache.sshd.common.util.net.SshdSocketAddress target =
                new org.apache.sshd.common.util.net.SshdSocketAddress("127.0.0.1", echo.port());
        try (AlknetClient c = client(listener)) {
            var session = (org.apache.sshd.client.session.ClientSession) c.sessions().session().get(15, TimeUnit.SECONDS).mina();
            var bound = session.startRemotePortForwarding(
                    new org.apache.sshd.common.util.net.SshdSocketAddress("localhost", allowed), target);
            assertEquals(allowed, bound.getPort());
            assertThrowsIo(() -> session.startRemotePortForwarding(
                    new org.apache.sshd.common.util.net.SshdSocketAddress("localhost", other), target));
        }
        try (AlknetClient c = client(none)) {
            var session = (org.apache.sshd.client.session.ClientSession) c.sessions().session().get(15, TimeUnit.SECONDS).mina();
            assertThrowsIo(() -> session.startRemotePortForwarding(
                    new org.apache.sshd.common.util.net.SshdSocketAddress("localhost", other), target));
        }
    }

    private interface IoCall {
        void run() throws java.io.IOException;
    }

    private static void assertThrowsIo(IoCall call) {
        try {
            call.run();
        } catch (java.io.IOException e) {
            return;
        }
        throw new AssertionError("the server accepted a -R it should refuse");
    }

    @Test
    void fromRestrictsTheClientAddress() throws Exception {
        KeyPair elsewhere = authorize("from=\"10.9.9.9,192.0.2.0/24\"", "elsewhere");
        KeyPair here = authorize("from=\"127.0.0.0/8,!127.0.0.2\",permitopen=\"127.0.0.1:" + echo.port() + "\"",
                "here");
        try (AlknetClient c = client(here)) {
            c.sessions().session().get(15, TimeUnit.SECONDS);
            assertEquals(E2e.SUCCEEDED, E2e.connect(c.socksAddress().getPort(), "127.0.0.1", echo.port()));
        }
        int before = server.sessionCount();
        try (AlknetClient c = client(elsewhere)) {
            E2e.await(() -> c.lastError() != null, Duration.ofSeconds(20), () -> "the login to be refused");
            assertTrue(c.lastError().toLowerCase().contains("auth") || c.lastError().contains("denied"), c.lastError());
            assertEquals(E2e.GENERAL_FAILURE, E2e.connect(c.socksAddress().getPort(), "127.0.0.1", echo.port()));
        }
        assertTrue(server.sessionCount() <= before);
    }

    /** OpenSSH user certificates, signed by a CA listed with cert-authority, used by the stock ssh client. */
    @Test
    void certAuthorityWithRealSshKeygenAndSsh() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/ssh")) && Files.isExecutable(Path.of("/usr/bin/ssh-keygen")),
                "OpenSSH client not installed");
        Path dir = Files.createTempDirectory(keys.dir(), "ca-");
        Path ca = dir.resolve("ca");
        Path user = dir.resolve("user");
        run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "alknet-ca", "-f", ca.toString());
        run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "user", "-f", user.toString());
        Files.writeString(keys.home().authorizedKeys(), "cert-authority,permitopen=\"localhost:" + web.port() + "\" "
                + Files.readString(Path.of(ca + ".pub")), java.nio.file.StandardOpenOption.APPEND);

        Path good = sign(ca, user, "good", "alknet", "-5m:+1h");
        assertEquals(0, sshFetch(user, good, dir), "a valid certificate for principal alknet logs in");
        assertNotEquals(0, sshFetch(user, sign(ca, user, "expired", "alknet", "-2h:-1h"), dir), "expired");
        assertNotEquals(0, sshFetch(user, sign(ca, user, "bob", "bob", "-5m:+1h"), dir), "wrong principal");
        Path other = dir.resolve("other-ca");
        run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", other.toString());
        assertNotEquals(0, sshFetch(user, sign(other, user, "stranger", "alknet", "-5m:+1h"), dir), "unknown CA");
        // A certificate without permit-port-forwarding logs in but may not forward.
        Path noFwd = sign(ca, user, "nofwd", "alknet", "-5m:+1h", "-O", "no-port-forwarding");
        assertNotEquals(0, sshFetch(user, noFwd, dir), "no-port-forwarding certificate");
    }

    private static Path sign(Path ca, Path user, String id, String principal, String validity, String... extra)
            throws Exception {
        Path copy = user.resolveSibling("user-" + id);
        Files.copy(user, copy);
        Files.copy(Path.of(user + ".pub"), Path.of(copy + ".pub"));
        List<String> cmd = new ArrayList<>(List.of("ssh-keygen", "-q", "-s", ca.toString(), "-I", id, "-n", principal,
                "-V", validity));
        cmd.addAll(List.of(extra));
        cmd.add(copy + ".pub");
        run(cmd.toArray(String[]::new));
        Files.setPosixFilePermissions(copy, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        return copy;
    }

    /** ssh -D with the certificate, then curl through it; the exit code of curl, or 255 if ssh never got up. */
    private static int sshFetch(Path key, Path certKey, Path dir) throws Exception {
        int socks = E2e.freePort();
        Process ssh = new ProcessBuilder("ssh", "-N", "-D", "127.0.0.1:" + socks, "-i", certKey.toString(),
                "-o", "CertificateFile=" + certKey + "-cert.pub", "-p", String.valueOf(serverPort()),
                "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes",
                "-o", "IdentitiesOnly=yes", "-F", "/dev/null", "alknet@127.0.0.1")
                .redirectErrorStream(true).redirectOutput(dir.resolve("ssh-" + socks + ".log").toFile()).start();
        try {
            try {
                OpenSshInteropTest.waitForPort(socks, ssh);
            } catch (java.io.IOException e) {
                return 255; // ssh exited: login refused
            }
            Curl.Result r = Curl.fetch("127.0.0.1:" + socks, "http://localhost:" + web.port() + "/blob?size=1000&seed=2",
                    dir.resolve("got-" + socks));
            return r.exit();
        } finally {
            ssh.destroy();
            ssh.waitFor(5, TimeUnit.SECONDS);
        }
    }

    /**
     * The CLI: {@code --allow} re-enables loopback on one port, {@code --deny} by name, and a name that resolves to a
     * loopback address (via a hosts file only the server JVM reads) is judged by that address. An unknown key's login
     * leaves one fail2ban-friendly line.
     */
    @Test
    void cliFlagsJudgeResolvedAddressesAndLogAuthFailures() throws Exception {
        E2e.Keys k = E2e.keys();
        Path hosts = k.dir().resolve("hosts");
        Files.writeString(hosts, "127.0.0.1 sneaky.test alknet-secret\n127.0.0.1 blocked.test\n");
        List<String> cmd = Cli.command(List.of(), "dev.alknet.cli.Main", "serve", "--home", k.dir().toString(),
                "--listen", "tcp://127.0.0.1:0", "--allow", "loopback:" + web.port(), "--deny", "blocked.test");
        cmd.add(1, "-Djdk.net.hosts.file=" + hosts);
        try (Cli.Running serve = Cli.Running.start(cmd, Map.of())) {
            int port = Integer.parseInt(ForwardFixtures.awaitGroup(serve, "listening on tcp://127\\.0\\.0\\.1:(\\d+)"));
            try (AlknetClient c = AlknetClient.start(E2e.clientOptions(k, port), new InetSocketAddress("127.0.0.1", 0))) {
                c.sessions().session().get(15, TimeUnit.SECONDS);
                int socks = c.socksAddress().getPort();
                assertEquals(E2e.SUCCEEDED, E2e.connect(socks, "sneaky.test", web.port()), "allowed port");
                assertEquals(E2e.FORBIDDEN, E2e.connect(socks, "sneaky.test", echo.port()),
                        "a name resolving to 127.0.0.1 is loopback");
                assertEquals(E2e.FORBIDDEN, E2e.connect(socks, "blocked.test", web.port()), "--deny by name");
                assertEquals(E2e.HOST_UNREACHABLE, E2e.connect(socks, "alknet-secret", web.port()),
                        "reserved names are never resolved");
                Curl.Result r = Curl.fetch("127.0.0.1:" + socks, "http://sneaky.test:" + web.port()
                        + "/blob?size=1000&seed=3", k.dir().resolve("got"));
                assertEquals(0, r.exit(), r.stderr());
            }
            KeyPair stranger = KeyFiles.generate();
            try (AlknetClient c = AlknetClient.start(E2e.clientOptions(stranger, k.home().knownHosts(), port,
                    dev.alknet.core.hostkeys.HostKeyPolicy.TRUST_ON_FIRST_USE, null, Duration.ofSeconds(5)),
                    new InetSocketAddress("127.0.0.1", 0))) {
                String line = serve.awaitLine(l -> l.contains("auth failure from"), Duration.ofSeconds(20));
                assertTrue(line.matches(".*auth failure from 127\\.0\\.0\\.1 port \\d+ user alknet key SHA256:\\S+ .*"),
                        line);
            }
            assertEquals(0, serve.terminate(Duration.ofSeconds(10)), serve.stderrText());
        }
    }

    /** --max-conns-per-ip refuses the third connection without a byte; --auth-timeout closes a silent one. */
    @Test
    void connectionLimitAndAuthTimeout() throws Exception {
        try (AlknetServer limited = AlknetServer.start(new ServerOptions(
                List.of(ServerAddress.parse("tcp://127.0.0.1:0", true)), keys.hostKey(), keys.home().authorizedKeys(),
                a -> Transports.create(a.scheme(), TransportSettings.defaults()), 6)
                .withAccess(AccessOptions.safeDefaults().withLimits(Duration.ofSeconds(2), 2, 16)))) {
            int port = limited.listeners().get(0).localAddress().getPort();
            try (java.net.Socket a = new java.net.Socket("127.0.0.1", port);
                    java.net.Socket b = new java.net.Socket("127.0.0.1", port)) {
                assertTrue(banner(a).startsWith("SSH-2.0-"));
                assertTrue(banner(b).startsWith("SSH-2.0-"));
                try (java.net.Socket c = new java.net.Socket("127.0.0.1", port)) {
                    E2e.Outcome third = E2e.drain(c, Duration.ofSeconds(20));
                    assertEquals(0, third.received().length, third.toString());
                    assertTrue(third.closed(), third.toString());
                }
                // a and b never authenticate: the 2 s auth timeout closes them (bounded wait, not a timing check).
                assertTrue(E2e.drain(a, Duration.ofSeconds(25)).closed());
                assertTrue(E2e.drain(b, Duration.ofSeconds(25)).closed());
            }
            E2e.await(() -> limited.sessionCount() == 0, Duration.ofSeconds(10), () -> "sessions to end");
            try (java.net.Socket d = new java.net.Socket("127.0.0.1", port)) {
                assertTrue(banner(d).startsWith("SSH-2.0-"), "slots are given back");
            }
        }
    }

    /**
     * --max-channels: one stream too many is refused with 0x01 and the session carries on: the streams already open
     * still echo, and a slot given back is usable again. (MINA's own limit closed the whole session.)
     */
    @Test
    void channelLimitRefusesOneStreamAndKeepsTheOthers() throws Exception {
        try (AlknetServer limited = AlknetServer.start(new ServerOptions(
                List.of(ServerAddress.parse("tcp://127.0.0.1:0", true)), keys.hostKey(), keys.home().authorizedKeys(),
                a -> Transports.create(a.scheme(), TransportSettings.defaults()), 6)
                .withAccess(AccessOptions.UNRESTRICTED.withLimits(Duration.ofSeconds(30), 64, 3)));
                AlknetClient c = AlknetClient.start(E2e.clientOptions(authorize("", "limited"),
                        keys.home().knownHosts(), limited.listeners().get(0).localAddress().getPort(),
                        dev.alknet.core.hostkeys.HostKeyPolicy.TRUST_ON_FIRST_USE, null, Duration.ofSeconds(5)),
                        new InetSocketAddress("127.0.0.1", 0))) {
            c.sessions().session().get(15, TimeUnit.SECONDS);
            int socks = c.socksAddress().getPort();
            List<Socks5Probe> held = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    Socks5Probe p = new Socks5Probe(socks);
                    held.add(p);
                    assertEquals(E2e.SUCCEEDED, p.connectDomain("127.0.0.1", echo.port()), "stream " + i);
                }
                assertEquals(E2e.GENERAL_FAILURE, E2e.connect(socks, "127.0.0.1", echo.port()), "one too many");
                for (Socks5Probe p : held) {
                    p.out.write("still here".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    byte[] back = new byte[10];
                    p.in.readFully(back);
                    assertEquals("still here", new String(back, java.nio.charset.StandardCharsets.US_ASCII));
                }
                assertEquals(1, limited.sessionCount(), "the session survived");
                held.remove(0).close();
                E2e.await(() -> {
                    try {
                        return E2e.connect(socks, "127.0.0.1", echo.port()) == E2e.SUCCEEDED;
                    } catch (Exception e) {
                        return false;
                    }
                }, Duration.ofSeconds(20), () -> "a slot given back");
            } finally {
                for (Socks5Probe p : held) {
                    p.close();
                }
            }
        }
    }

    private static String banner(java.net.Socket s) throws Exception {
        s.setSoTimeout(20_000);
        s.getOutputStream().write("SSH-2.0-probe\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        byte[] buf = new byte[8];
        int n = s.getInputStream().readNBytes(buf, 0, 8);
        return new String(buf, 0, n, java.nio.charset.StandardCharsets.US_ASCII);
    }

    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new java.io.IOException(String.join(" ", cmd) + " failed: " + out);
        }
    }
}
