package dev.alknet.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.alknet.core.keys.KeyFiles;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The command-line contract, on real {@code java dev.alknet.cli.Main} processes with scratch homes: keys readable by
 * OpenSSH, fingerprints as ssh-keygen prints them, errors as one line on stderr with a non-zero exit and never a stack
 * trace, SIGTERM exits 0 within 5 s, and {@code ALKNET_HOME}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CliContractTest {

    private static final Duration SIGTERM_LIMIT = Duration.ofSeconds(5);
    /** The only line serve may print before failing: the host key it created or loaded. */
    private static final String HOST_KEY_LINE = "^(created )?host key SHA256:\\S+ \\(.*\\)$";

    private static Path scratch;
    private static E2e.EchoServer echo;

    @BeforeAll
    static void start() throws IOException {
        scratch = Files.createTempDirectory("alknet-cli-contract-");
        echo = new E2e.EchoServer(4);
    }

    @AfterAll
    static void stop() throws IOException {
        if (echo != null) {
            echo.close();
        }
    }

    // ---- keys ----

    @Test
    void keygenWritesAnOpenSshKeyWithSshKeygensFingerprintAndKeepsIt() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/ssh-keygen")), "ssh-keygen not installed");
        Path home = scratch.resolve("keygen");
        Cli.Result first = Cli.run("keygen", "--home", home.toString());
        assertEquals(0, first.exit(), first.toString());
        Path priv = home.resolve("id_ed25519");
        Path pub = home.resolve("id_ed25519.pub");
        assertTrue(Files.isRegularFile(priv) && Files.isRegularFile(pub), first.toString());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(priv)));
        List<String> out = first.stdout().lines().toList();
        assertEquals(2, out.size(), first.toString());
        String pubLine = out.get(0);
        String fingerprint = out.get(1);
        assertTrue(pubLine.startsWith("ssh-ed25519 AAAA"), pubLine);
        assertTrue(fingerprint.matches("SHA256:[A-Za-z0-9+/]{43}"), fingerprint);

        assertEquals(fingerprint, sshKeygenFingerprint(pub));
        assertEquals(fingerprint, sshKeygenFingerprint(priv)); // OpenSSH reads the private key too
        String derived = run("ssh-keygen", "-y", "-f", priv.toString()).trim();
        assertEquals(keyPart(Files.readString(pub)), keyPart(derived));
        assertEquals(keyPart(pubLine), keyPart(derived));

        byte[] before = Files.readAllBytes(priv);
        Cli.Result second = Cli.run("keygen", "--home", home.toString());
        assertEquals(0, second.exit(), second.toString());
        assertEquals(fingerprint, second.stdout().lines().toList().get(1), "same key");
        assertTrue(second.stderr().contains("using existing"), second.toString());
        assertArrayEquals(before, Files.readAllBytes(priv), "the private key file is untouched");
    }

    @Test
    void alknetHomeEnvironmentIsHonouredAndHomeOptionWins() throws Exception {
        Path envHome = scratch.resolve("env-home");
        Cli.Result r = Cli.run(Map.of("ALKNET_HOME", envHome.toString()), "keygen");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(Files.isRegularFile(envHome.resolve("id_ed25519")), r.toString());
        assertEquals(r.stdout().lines().toList().get(1),
                KeyFiles.fingerprint(KeyFiles.load(envHome.resolve("id_ed25519")).getPublic()));

        Path optionHome = scratch.resolve("option-home");
        Path otherEnv = scratch.resolve("env-home-unused");
        Cli.Result r2 = Cli.run(Map.of("ALKNET_HOME", otherEnv.toString()), "keygen", "--home", optionHome.toString());
        assertEquals(0, r2.exit(), r2.toString());
        assertTrue(Files.isRegularFile(optionHome.resolve("id_ed25519")));
        assertFalse(Files.exists(otherEnv), "--home takes precedence over ALKNET_HOME");
    }

    // ---- serve and connect, and SIGTERM ----

    @Test
    void serveCreatesItsHostKeyAndBothExitZeroOnSigtermWithOpenStreams() throws Exception {
        Path home = homeWithIdentity("serve");
        int port = E2e.freePort();
        int socks1 = E2e.freePort();
        String hostFp;
        Cli.Running again = null;
        try {
            try (Cli.Running serve = Cli.Running.alknet("serve", "--home", home.toString(), "--listen",
                    "tcp://127.0.0.1:" + port, "--allow", "loopback")) {
                String created = serve.awaitLine(l -> l.startsWith("created host key "), Duration.ofSeconds(30));
                assertTrue(created.matches(HOST_KEY_LINE), created);
                hostFp = created.split(" ")[3];
                // A second server on the same home, started now, must load that key rather than make another.
                again = Cli.Running.alknet("serve", "--home", home.toString(), "--listen",
                        "tcp://127.0.0.1:" + E2e.freePort(), "--allow", "loopback");
                assertTrue(Files.isRegularFile(home.resolve("host_ed25519")));
                assertEquals(KeyFiles.fingerprint(KeyFiles.load(home.resolve("host_ed25519")).getPublic()), hostFp);
                if (Files.isExecutable(Path.of("/usr/bin/ssh-keygen"))) {
                    assertEquals(hostFp, sshKeygenFingerprint(home.resolve("host_ed25519.pub")));
                }
                serve.awaitLine(l -> l.contains("listening on tcp://127.0.0.1:" + port), Duration.ofSeconds(30));

                int socks2 = E2e.freePort();
                try (Cli.Running connect1 = Cli.Running.alknet("connect", "tcp://127.0.0.1:" + port, "--home",
                        home.toString(), "--socks", "127.0.0.1:" + socks1);
                        Cli.Running connect2 = Cli.Running.alknet("connect", "tcp://127.0.0.1:" + port, "--home",
                                home.toString(), "--socks", "127.0.0.1:" + socks2)) {
                    connect1.awaitLine(l -> l.contains("tunnel up"), Duration.ofSeconds(30));
                    connect2.awaitLine(l -> l.contains("tunnel up"), Duration.ofSeconds(30));
                    // connect, with a stream open, exits 0 on SIGTERM within 5 s.
                    try (Socket open = openEchoStream(socks1)) {
                        assertExitsZeroOnSigterm(connect1);
                    }
                    // serve, with a client session and a stream open, exits 0 on SIGTERM within 5 s.
                    try (Socket open = openEchoStream(socks2)) {
                        assertExitsZeroOnSigterm(serve);
                    }
                    // ... and a client whose server is gone (reconnecting) still exits 0 on SIGTERM.
                    assertExitsZeroOnSigterm(connect2);
                }
            }
            String loaded = again.awaitLine(l -> l.contains("host key SHA256:"), Duration.ofSeconds(30));
            assertEquals("host key " + hostFp + " (" + home.resolve("host_ed25519") + ")", loaded);
            again.awaitLine(l -> l.contains("listening on"), Duration.ofSeconds(30));
            assertExitsZeroOnSigterm(again);
        } finally {
            if (again != null) {
                again.close();
            }
        }
    }

    @Test
    void hostKeyFlagsThroughTheCli() throws Exception {
        E2e.Keys keys = E2e.keys();
        String right = KeyFiles.fingerprint(keys.hostKey().getPublic());
        try (E2e.Server server = E2e.server(keys, (h, p, s) -> true)) {
            String target = "tcp://127.0.0.1:" + server.port();
            String home = keys.dir().toString();
            String wrong = KeyFiles.fingerprint(KeyFiles.generate().getPublic());
            Path stranger = homeWithIdentity("stranger");
            String strangerFp = KeyFiles.fingerprint(KeyFiles.load(stranger.resolve("id_ed25519")).getPublic());
            int socks = E2e.freePort();
            // --host-key with the right fingerprint: up, even with --strict-host-key and nothing in known_hosts.
            try (Cli.Running ok = Cli.Running.alknet("connect", target, "--home", home, "--socks",
                    "127.0.0.1:" + socks, "--host-key", right, "--strict-host-key")) {
                List<Cli.Result> r = Cli.runAll(List.of(
                        new String[] {"connect", target, "--home", home, "--socks", "127.0.0.1:" + E2e.freePort(),
                            "--strict-host-key"},
                        new String[] {"connect", target, "--home", home, "--socks", "127.0.0.1:" + E2e.freePort(),
                            "--host-key", wrong},
                        new String[] {"connect", target, "--home", stranger.toString(), "--socks",
                            "127.0.0.1:" + E2e.freePort()}));
                // --strict-host-key with an empty known_hosts: refused, exit 1, the reason last, nothing recorded.
                assertFatal(r.get(0), "unknown host key " + right, "--strict-host-key");
                // --host-key with another fingerprint: refused, showing seen and expected.
                assertFatal(r.get(1), "seen " + right, "expected " + wrong);
                // A key the server does not know: exit 1 naming the key's fingerprint, at once (no retry loop).
                assertFatal(r.get(2), "refused key " + strangerFp);

                ok.awaitLine(l -> l.contains("tunnel up"), Duration.ofSeconds(30));
                assertEquals(E2e.SUCCEEDED, E2e.connect(socks, "127.0.0.1", echo.port()));
                assertExitsZeroOnSigterm(ok);
            }
            assertFalse(Files.exists(keys.home().knownHosts()), "nothing recorded with a pin or --strict-host-key");
        }
    }

    // ---- errors: one line on stderr, non-zero exit, no stack trace ----

    @Test
    void badUrlSchemeBadPortAndMissingPortAreOneLine() throws Exception {
        String home = homeWithIdentity("scheme").toString();
        List<Cli.Result> r = Cli.runAll(List.of(
                new String[] {"connect", "foo://127.0.0.1:22", "--home", home},
                new String[] {"serve", "--listen", "http://127.0.0.1:2222", "--home", home},
                new String[] {"connect", "tcp://127.0.0.1:abc", "--home", home},
                new String[] {"connect", "tcp://127.0.0.1:99999", "--home", home},
                new String[] {"connect", "tcp://127.0.0.1:22", "--home", home, "--socks", "127.0.0.1"}));
        assertOneLineError(r.get(0), "foo");
        assertOneLineError(r.get(1), "http");
        assertOneLineError(r.get(2), "abc");
        assertOneLineError(r.get(3), "99999");
        assertOneLineError(r.get(4), "no port");
    }

    @Test
    void acmeMistakesAreOneLine() throws Exception {
        String home = homeWithIdentity("acme").toString();
        String tls = "tls://127.0.0.1:" + E2e.freePort();
        List<Cli.Result> r = Cli.runAll(List.of(
                new String[] {"serve", "--home", home, "--listen", tls, "--acme-email", "ops@example.com"},
                new String[] {"serve", "--home", home, "--listen", tls, "--tls-acme", "www.example.com",
                    "--acme-challenge", "http-01"},
                new String[] {"serve", "--home", home, "--listen", tls, "--tls-acme", "*.example.com"}));
        assertOneLineError(r.get(0), "need --tls-acme");
        assertOneLineError(r.get(1), "http-01 needs --stealth");
        assertOneLineError(r.get(2), "not a DNS name");
    }

    @Test
    void missingIdentityAndMissingAuthorizedKeysAreOneLine() throws Exception {
        Path noIdentity = scratch.resolve("no-identity");
        Path noKeys = scratch.resolve("no-authorized-keys");
        List<Cli.Result> r = Cli.runAll(List.of(
                new String[] {"connect", "tcp://127.0.0.1:" + E2e.freePort(), "--home", noIdentity.toString()},
                new String[] {"serve", "--home", noKeys.toString(), "--listen", "tcp://127.0.0.1:" + E2e.freePort()},
                new String[] {"serve", "--home", noKeys.toString(), "--listen", "tcp://127.0.0.1:" + E2e.freePort(),
                    "--authorized-keys", noKeys.resolve("nope").toString()}));
        assertOneLineError(r.get(0), "no identity", "alknet keygen");
        assertOneLineError(r.get(1), "authorized_keys");
        assertOneLineError(r.get(2), noKeys.resolve("nope").toString());
    }

    @Test
    void portInUseIsOneLineForSocksAndForListen() throws Exception {
        Path home = homeWithIdentity("in-use");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            List<Cli.Result> r = Cli.runAll(List.of(
                    new String[] {"connect", "tcp://127.0.0.1:" + E2e.freePort(), "--home", home.toString(),
                        "--socks", "127.0.0.1:" + port},
                    new String[] {"serve", "--home", home.toString(), "--listen", "tcp://127.0.0.1:" + port}));
            assertOneLineError(r.get(0), String.valueOf(port), "in use");
            assertOneLineError(r.get(1), "tcp://127.0.0.1:" + port, "in use");
        }
    }

    @Test
    void unwritableHomeIsOneLine() throws Exception {
        Path dir = scratch.resolve("read-only");
        Files.createDirectories(dir);
        List<Cli.Result> results = new ArrayList<>();
        if ("root".equals(System.getProperty("user.name"))) {
            // root writes through permission bits: use a read-only tmpfs in a private mount namespace instead.
            assumeTrue(Files.isExecutable(Path.of("/usr/bin/unshare")), "unshare not installed");
            for (String[] args : List.of(new String[] {"keygen", "--home", dir.toString()},
                    new String[] {"keygen", "--home", dir.resolve("sub").toString()},
                    new String[] {"serve", "--home", dir.toString(), "--listen", "tcp://127.0.0.1:0"})) {
                List<String> java = Cli.command(List.of(), "dev.alknet.cli.Main", args);
                List<String> cmd = new ArrayList<>(List.of("unshare", "-m", "sh", "-c",
                        "mount -t tmpfs -o ro,size=64k tmpfs \"$0\" && exec \"$@\"", dir.toString()));
                cmd.addAll(java);
                Cli.Result r = Cli.runCommand(cmd, Map.of(), Duration.ofSeconds(30));
                assumeTrue(!r.stderr().contains("mount:") && !r.stderr().contains("unshare:"),
                        "cannot mount a read-only tmpfs here: " + r.stderr());
                results.add(r);
            }
        } else {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-xr-xr-x"));
            results.addAll(Cli.runAll(List.of(new String[] {"keygen", "--home", dir.toString()},
                    new String[] {"keygen", "--home", dir.resolve("sub").toString()},
                    new String[] {"serve", "--home", dir.toString(), "--listen", "tcp://127.0.0.1:0"})));
        }
        assertOneLineError(results.get(0), "not writable", dir.toString());
        assertOneLineError(results.get(1), "cannot create home directory", dir.resolve("sub").toString());
        assertOneLineError(results.get(2), "not writable", dir.toString());
    }

    // ---- helpers ----

    private static Path homeWithIdentity(String name) throws Exception {
        Path home = scratch.resolve(name);
        Files.createDirectories(home);
        KeyFiles.LoadedKey id = KeyFiles.loadOrCreate(home.resolve("id_ed25519"), name);
        Files.writeString(home.resolve("authorized_keys"), KeyFiles.publicKeyLine(id.pair().getPublic(), name) + "\n");
        return home;
    }

    /** A SOCKS stream to the echo server that is proven to work and then left open. */
    private static Socket openEchoStream(int socksPort) throws IOException {
        Socket s = E2e.socksSocket(socksPort);
        s.getOutputStream().write(E2e.request(E2e.CONNECT, "127.0.0.1", echo.port()));
        assertEquals(E2e.SUCCEEDED, E2e.readReply(s.getInputStream()));
        s.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
        byte[] back = s.getInputStream().readNBytes(4);
        assertEquals("ping", new String(back, StandardCharsets.US_ASCII));
        return s;
    }

    private static void assertExitsZeroOnSigterm(Cli.Running p) throws InterruptedException {
        long start = System.nanoTime();
        int exit = p.terminate(SIGTERM_LIMIT);
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertEquals(0, exit, "exit on SIGTERM within " + SIGTERM_LIMIT.toSeconds() + " s (-1: still running after "
                + ms + " ms)\n" + p.stderrText());
        assertNoStackTrace(new Cli.Result(exit, p.stdoutText(), p.stderrText()));
    }

    /**
     * Exit 1, no stack trace, and exactly one error line on stderr, {@code alknet: ...}, containing every
     * {@code parts}; besides it, serve may only have printed its host-key line.
     */
    private static void assertOneLineError(Cli.Result r, String... parts) {
        assertNotEquals(0, r.exit(), r.toString());
        assertNoStackTrace(r);
        List<String> lines = r.stderrLines().stream().filter(l -> !l.matches(HOST_KEY_LINE)).toList();
        assertEquals(1, lines.size(), "one line on stderr:\n" + r);
        String line = lines.get(0);
        assertTrue(line.startsWith("alknet: "), line);
        for (String part : parts) {
            assertTrue(line.toLowerCase(Locale.ROOT).contains(part.toLowerCase(Locale.ROOT)),
                    "'" + part + "' in: " + line);
        }
        assertEquals("", r.stdout(), "nothing on stdout");
    }

    /** A connect that gave up for good: exit 1 quickly, its last stderr line the one-line reason. */
    private static void assertFatal(Cli.Result r, String... parts) {
        assertEquals(1, r.exit(), r.toString());
        assertNoStackTrace(r);
        List<String> lines = r.stderrLines();
        String last = lines.get(lines.size() - 1);
        assertTrue(last.startsWith("alknet: "), r.toString());
        for (String part : parts) {
            assertTrue(last.contains(part), "'" + part + "' in: " + last);
        }
        assertTrue(lines.stream().noneMatch(l -> l.contains("retrying")), "gave up at once, no retries:\n" + r);
    }

    /** No frame ("\tat ..."), no "Caused by", no line that starts with an exception's class name. */
    private static void assertNoStackTrace(Cli.Result r) {
        for (String line : (r.stdout() + r.stderr()).lines().toList()) {
            assertFalse(line.matches("\\s+at \\S+\\(.*\\)") || line.startsWith("Caused by")
                    || line.matches("^(Exception in thread .*|([a-z_$][\\w$]*\\.)+[A-Z][\\w$]*(Exception|Error)\\b.*)"),
                    "no stack trace:\n" + r);
        }
    }

    private static String sshKeygenFingerprint(Path key) throws Exception {
        String out = run("ssh-keygen", "-l", "-E", "sha256", "-f", key.toString());
        return out.trim().split("\\s+")[1];
    }

    private static String keyPart(String line) {
        String[] f = line.trim().split("\\s+");
        return f[0] + " " + f[1];
    }

    private static String run(String... cmd) throws Exception {
        Cli.Result r = Cli.runCommand(List.of(cmd), Map.of(), Duration.ofSeconds(30));
        if (r.exit() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + r);
        }
        return r.stdout();
    }
}
