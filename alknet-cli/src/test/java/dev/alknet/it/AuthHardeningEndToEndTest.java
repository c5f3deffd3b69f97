package dev.alknet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.alknet.core.hostkeys.KnownHostsLine;
import dev.alknet.core.keys.KeyFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The login attacks of the security-hardening issue against a real {@code alknet serve}: OpenSSH certificates made by
 * the real {@code ssh-keygen -s} and presented by the real {@code ssh}; authorized_keys lines with an expired
 * {@code expiry-time} or a misspelled option, tried by a real {@code alknet connect}; a {@code @revoked} host key in
 * the client's known_hosts. Each one is refused, and the server's log says why.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class AuthHardeningEndToEndTest {

    private static E2e.Keys keys;
    private static Path dir;
    private static E2e.EchoServer echo;
    private static Cli.Running serve;
    private static int port;
    private static Path ca;
    private static Path opsCa;
    private static Path user;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/ssh")) && Files.isExecutable(Path.of("/usr/bin/ssh-keygen")),
                "OpenSSH client not installed");
        keys = E2e.keys();
        dir = keys.dir();
        echo = new E2e.EchoServer(2);
        ca = sshKeygen("ca");
        opsCa = sshKeygen("ops-ca");
        user = sshKeygen("user");
        append("cert-authority " + Files.readString(Path.of(ca + ".pub")));
        append("cert-authority,principals=\"ops,deploy\" " + Files.readString(Path.of(opsCa + ".pub")));
        serve = Cli.Running.alknet("serve", "--home", dir.toString(), "--listen", "tcp://127.0.0.1:0",
                "--allow", "loopback:" + echo.port());
        port = Integer.parseInt(ForwardFixtures.awaitGroup(serve, "listening on tcp://127\\.0\\.0\\.1:(\\d+)"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (serve != null) {
            serve.close();
        }
        if (echo != null) {
            echo.close();
        }
    }

    /** Issue item 1: the principal is pinned to alknet; the user name the client sends is no claim. */
    @Test
    void certificateForAnotherPrincipalIsRefusedWhateverUserTheClientNames() throws Exception {
        Path bob = sign(ca, "bob-cert", "bob", "-5m:+1h");
        assertFalse(sshLogin("bob", bob), "a certificate for bob, presented as user bob (the attack)");
        serveLogged("user bob", "certificate bob-cert is for principal bob, not alknet");
        assertFalse(sshLogin("alknet", bob), "a certificate for bob, presented as user alknet");

        Path alknet = sign(ca, "alknet-cert", "alknet", "-5m:+1h");
        assertTrue(sshLogin("alknet", alknet), "a certificate for alknet logs in");
        assertTrue(sshLogin("bob", alknet), "... whatever user name the client sends");

        // principals= on the CA's line replaces alknet.
        assertTrue(sshLogin("alknet", sign(opsCa, "ops-cert", "ops", "-5m:+1h")), "principal ops of principals=");
        assertFalse(sshLogin("alknet", sign(opsCa, "ops-alknet", "alknet", "-5m:+1h")), "alknet is not in principals=");
        serveLogged("certificate ops-alknet is for principal alknet, not ops,deploy");
    }

    /** Validity interval and critical options (MINA checks them before our authenticator runs; proven here). */
    @Test
    void expiredNotYetValidAndUnknownCriticalOptionCertificatesAreRefused() throws Exception {
        assertFalse(sshLogin("alknet", sign(ca, "expired", "alknet", "-2h:-1h")), "expired");
        serveLogged("id=expired");
        assertFalse(sshLogin("alknet", sign(ca, "not-yet-valid", "alknet", "+1h:+2h")), "not yet valid");
        serveLogged("id=not-yet-valid");
        assertFalse(sshLogin("alknet", sign(ca, "critical", "alknet", "-5m:+1h",
                "-O", "critical:restrict-me@example.com=yes")), "unknown critical option");
        serveLogged("unknown critical option restrict-me@example.com");
        assertFalse(sshLogin("alknet", sign(ca, "force-command", "alknet", "-5m:+1h",
                "-O", "force-command=/bin/true")), "force-command cannot be honoured by a forward-only server");
        assertFalse(sshLogin("alknet", sign(ca, "elsewhere", "alknet", "-5m:+1h",
                "-O", "source-address=192.0.2.0/24")), "source-address elsewhere");
        serveLogged("source-address");
        assertTrue(sshLogin("alknet", sign(ca, "here", "alknet", "-5m:+1h", "-O", "source-address=127.0.0.0/8")),
                "source-address matching the client");
    }

    /** Issue item 7: an expiry-time in the past refuses the key; one in the future does not. */
    @Test
    void keyPastItsExpiryTimeIsRefused() throws Exception {
        Path expired = clientHome("expired");
        Path valid = clientHome("valid");
        append("expiry-time=\"20200101Z\" " + publicKeyLine(expired, "expired-key"));
        append("expiry-time=\"29991231\" " + publicKeyLine(valid, "valid-key"));
        Cli.Result r = connect(expired);
        assertNotEquals(0, r.exit(), r.toString());
        assertTrue(r.stderr().contains("refused key"), r.stderr());
        serveLogged("key expired at 2020-01-01T00:00:00Z (expiry-time)");
        try (Cli.Running up = Cli.Running.alknet("connect", "tcp://127.0.0.1:" + port, "--home", valid.toString(),
                "--socks", "127.0.0.1:" + E2e.freePort())) {
            up.awaitLine(l -> l.contains("tunnel up"), Duration.ofSeconds(30));
        }
    }

    /** Issue item 7: a misspelled option refuses its line (the key cannot log in) and the log names the option. */
    @Test
    void misspelledOptionRefusesTheLineAndTheLogNamesIt() throws Exception {
        Path typo = clientHome("typo");
        // Meant as no-port-forwarding: ignoring it would give the key the forwarding the operator took away.
        append("no-port-fowarding " + publicKeyLine(typo, "typo-key"));
        Cli.Result r = connect(typo);
        assertNotEquals(0, r.exit(), r.toString());
        assertTrue(r.stderr().contains("refused key"), r.stderr());
        String skipped = serveLogged("skipping", "unknown or unsupported option 'no-port-fowarding'");
        assertTrue(skipped.contains("authorized_keys line "), skipped);
        serveLogged("auth failure from 127.0.0.1", "refused: unknown or unsupported option 'no-port-fowarding'");
    }

    /** ... and at start-up the server refuses to run with such a line: one line on stderr, no stack trace. */
    @Test
    void serverWillNotStartWithAnUnknownOption() throws Exception {
        E2e.Keys other = E2e.keys();
        Files.writeString(other.home().authorizedKeys(), "verify-required "
                + Files.readString(other.home().authorizedKeys()));
        Cli.Result r = Cli.run("serve", "--home", other.dir().toString(), "--listen", "tcp://127.0.0.1:0");
        assertNotEquals(0, r.exit(), r.toString());
        assertTrue(r.stderr().contains("line 1: unknown or unsupported option 'verify-required'"), r.stderr());
        assertFalse(r.stderr().contains("\tat "), "no stack trace: " + r.stderr());
    }

    /** Issue item 13: a host key marked @revoked is refused with a clear error, never recorded on first use. */
    @Test
    void revokedHostKeyIsRefusedNotTrustedOnFirstUse() throws Exception {
        Path home = clientHome("revoked");
        Path known = home.resolve("known_hosts");
        String revoked = "@revoked " + KnownHostsLine.of("127.0.0.1", port, keys.hostKey().getPublic()) + "\n";
        Files.writeString(known, revoked);
        append(publicKeyLine(home, "revoked-client"));
        Cli.Result r = connect(home);
        assertNotEquals(0, r.exit(), r.toString());
        String fp = KeyFiles.fingerprint(keys.hostKey().getPublic());
        assertTrue(r.stderr().contains("REVOKED host key " + fp + " for [127.0.0.1]:" + port), r.stderr());
        assertEquals(revoked, Files.readString(known), "nothing recorded");

        // A wildcard @revoked line, and --host-key pinning that very key: still refused.
        Files.writeString(known, "@revoked * " + PublicKeyEntry.toString(keys.hostKey().getPublic()) + "\n");
        Cli.Result pinned = Cli.run("connect", "tcp://127.0.0.1:" + port, "--home", home.toString(), "--socks",
                "127.0.0.1:" + E2e.freePort(), "--host-key", fp);
        assertNotEquals(0, pinned.exit(), pinned.toString());
        assertTrue(pinned.stderr().contains("REVOKED host key"), pinned.stderr());
    }

    // ---- helpers ----

    /** A waiting {@code serve} log line containing all {@code parts}. */
    private static String serveLogged(String... parts) throws Exception {
        return serve.awaitLine(l -> List.of(parts).stream().allMatch(l::contains), Duration.ofSeconds(20));
    }

    private static void append(String line) throws IOException {
        Files.writeString(keys.home().authorizedKeys(), line.endsWith("\n") ? line : line + "\n",
                StandardOpenOption.APPEND);
    }

    private static Path clientHome(String name) throws IOException {
        Path home = Files.createTempDirectory(dir, name + "-");
        KeyFiles.loadOrCreate(home.resolve("id_ed25519"), name);
        return home;
    }

    private static String publicKeyLine(Path home, String comment) throws IOException {
        return KeyFiles.publicKeyLine(KeyFiles.load(home.resolve("id_ed25519")).getPublic(), comment);
    }

    /** {@code alknet connect} to the server, expected to stop by itself (a refusal); bounded by Cli.run. */
    private static Cli.Result connect(Path home) throws Exception {
        return Cli.run("connect", "tcp://127.0.0.1:" + port, "--home", home.toString(), "--socks",
                "127.0.0.1:" + E2e.freePort());
    }

    private static Path sshKeygen(String name) throws Exception {
        Path key = dir.resolve(name);
        run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", key.toString());
        return key;
    }

    /** A copy of the user key with a certificate {@code id} for {@code principal}, signed by {@code by}. */
    private static Path sign(Path by, String id, String principal, String validity, String... extra) throws Exception {
        Path copy = dir.resolve("user-" + id);
        Files.copy(user, copy);
        Files.copy(Path.of(user + ".pub"), Path.of(copy + ".pub"));
        List<String> cmd = new ArrayList<>(List.of("ssh-keygen", "-q", "-s", by.toString(), "-I", id, "-n", principal,
                "-V", validity));
        cmd.addAll(List.of(extra));
        cmd.add(copy + ".pub");
        run(cmd.toArray(String[]::new));
        Files.setPosixFilePermissions(copy, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        return copy;
    }

    /**
     * Stock {@code ssh -N -D} as {@code login} with the key and its certificate; true if it logged in, shown by a
     * stream through its SOCKS port to the echo server (which the server allows). False if ssh exited first.
     */
    private static boolean sshLogin(String login, Path key) throws Exception {
        int socks = E2e.freePort();
        Process ssh = new ProcessBuilder("ssh", "-N", "-D", "127.0.0.1:" + socks, "-i", key.toString(),
                "-o", "CertificateFile=" + key + "-cert.pub", "-p", String.valueOf(port),
                "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes",
                "-o", "IdentitiesOnly=yes", "-F", "/dev/null", "-o", "ExitOnForwardFailure=yes", login + "@127.0.0.1")
                .redirectErrorStream(true).redirectOutput(dir.resolve("ssh-" + socks + ".log").toFile()).start();
        try {
            try {
                OpenSshInteropTest.waitForPort(socks, ssh);
            } catch (IOException e) {
                return false; // ssh exited: the login was refused
            }
            assertEquals(E2e.SUCCEEDED, E2e.connect(socks, "127.0.0.1", echo.port()), "logged in but cannot forward");
            return true;
        } finally {
            ssh.destroy();
            ssh.waitFor(5, TimeUnit.SECONDS);
        }
    }

    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out);
        }
    }
}
