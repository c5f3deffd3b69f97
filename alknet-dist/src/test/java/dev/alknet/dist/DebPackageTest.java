package dev.alknet.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The .deb on this machine (root only; skipped where dpkg is missing or alknet is already installed): dpkg -i,
 * a tunnel from /usr/bin/alknet with no JDK on the PATH, byte-exact through curl, no extra process; the installed
 * units pass systemd-analyze verify and stay disabled; a reinstall (the upgrade path) keeps /etc/alknet and
 * /var/lib/alknet; dpkg --purge leaves none of the package's files. The machine is left as it was: the package
 * purged, the alknet user and the test's config and state removed if this test created them.
 */
class DebPackageTest {

    private static final Path ETC = Path.of("/etc/alknet");
    private static final Path STATE = Path.of("/var/lib/alknet");

    @Test
    void installsRunsATunnelFromUsrBinAndRemovesCleanly() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root (dpkg -i)");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/dpkg")), "no dpkg here");
        assumeTrue(Files.exists(Dist.deb()), "no .deb was built (no dpkg-deb)");
        assumeTrue(Dist.run("dpkg-query", "-W", "-f=${Status}", "alknet") != 0 || !installed(),
                "alknet is installed on this machine already: not touching it");
        assumeTrue(!Files.exists(ETC) && !Files.exists(STATE, LinkOption.NOFOLLOW_LINKS), "/etc/alknet or /var/lib/alknet exist here");
        boolean userExisted = Dist.run("getent", "passwd", "alknet") == 0;
        Path scratch = Files.createTempDirectory("alknet-deb-");
        try {
            assertEquals(0, Dist.run("dpkg", "-i", Dist.deb().toString()), "dpkg -i");
            List<Path> files = packageFiles();
            assertTrue(files.contains(Path.of("/usr/bin/alknet")) && files.contains(Path.of("/usr/bin/alknet-tun")), "" + files);
            for (String f : List.of("/usr/lib/systemd/system/alknet-server.service", "/usr/lib/sysusers.d/alknet.conf",
                    "/usr/share/man/man1/alknet.1.gz", "/usr/share/man/man8/alknet-tun.8.gz",
                    "/usr/share/bash-completion/completions/alknet")) {
                assertTrue(Files.exists(Path.of(f)), f);
            }
            assertEquals(0, Dist.run("getent", "passwd", "alknet"), "the client's user exists after install");

            Map<String, String> env = Dist.envWithoutJdk(scratch);
            try (InstalledTunnel t = new InstalledTunnel(Path.of("/usr/bin/alknet"), scratch.resolve("home"), env)) {
                assertTrue(t.output("/usr/bin/alknet-tun", "--help").contains("alknet-tun"), "alknet-tun runs");
                if (Files.exists(Path.of("/usr/lib/alknet/lib/aot/serve.aot"))) {
                    // AOTMode=on fails the JVM when the shipped cache does not apply (dpkg kept the jars' mtimes)
                    Map<String, String> strict = new java.util.HashMap<>(env);
                    strict.put("ALKNET_JAVA_OPTS", "-XX:AOTMode=on");
                    assertEquals(0, new InstalledTunnel(Path.of("/usr/bin/alknet"), scratch.resolve("home"), strict)
                            .run("/usr/bin/alknet", "serve", "--help"), "the serve cache applies where dpkg put it");
                }
                t.start();
                t.curlByteExact();
                assertEquals(List.of(), InstalledTunnel.children(t.serve.pid()), "serve's child processes");
                assertFalse(InstalledTunnel.trainingRunsFrom(Path.of("/usr/lib/alknet")), "a training run");
            }
            verifyUnits();

            // the upgrade path (same version again): the operator's config and state stay
            Files.createDirectories(ETC);
            Files.writeString(ETC.resolve("server.yaml"), "listen: [tcp://127.0.0.1:2222]\n");
            Files.createDirectories(STATE);
            Files.writeString(STATE.resolve("authorized_keys"), "");
            assertEquals(0, Dist.run("dpkg", "-i", Dist.deb().toString()), "dpkg -i again");
            assertTrue(Files.exists(ETC.resolve("server.yaml")) && Files.exists(STATE.resolve("authorized_keys")));

            assertEquals(0, Dist.run("dpkg", "-r", "alknet"), "dpkg -r");
            assertEquals(0, Dist.run("dpkg", "--purge", "alknet"), "dpkg --purge");
            List<Path> left = new ArrayList<>();
            for (Path f : files) {
                if (Files.exists(f, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(f)) {
                    left.add(f);
                }
            }
            assertEquals(List.of(), left, "package files left after purge");
            assertFalse(Files.exists(Path.of("/usr/lib/alknet")), "/usr/lib/alknet left");
            assertTrue(Files.exists(ETC.resolve("server.yaml")) && Files.exists(STATE.resolve("authorized_keys")),
                    "config and state are the operator's: they stay");
        } finally {
            if (installed()) {
                Dist.run("dpkg", "--purge", "alknet");
            }
            Dist.deleteTree(ETC);
            Dist.deleteTree(STATE);
            if (!userExisted && Dist.run("getent", "passwd", "alknet") == 0) {
                Dist.run("userdel", "alknet");
                if (Dist.run("getent", "group", "alknet") == 0) {
                    Dist.run("groupdel", "alknet");
                }
            }
            Dist.deleteTree(scratch);
        }
    }

    private static boolean installed() throws Exception {
        Process p = new ProcessBuilder("dpkg-query", "-W", "-f=${db:Status-Status}", "alknet").start();
        String s = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        p.waitFor(30, TimeUnit.SECONDS);
        return p.exitValue() == 0 && !s.isEmpty() && !s.equals("not-installed");
    }

    private static List<Path> packageFiles() throws Exception {
        Process p = new ProcessBuilder("dpkg-query", "-L", "alknet").start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return out.lines().filter(l -> l.startsWith("/")).map(Path::of).toList();
    }

    /** The installed units: systemd-analyze verify has nothing to say about them; none is enabled. */
    private static void verifyUnits() throws Exception {
        if (!Files.isExecutable(Path.of("/usr/bin/systemd-analyze"))) {
            return; // SystemdUnitsTest says so for packaging/
        }
        for (String unit : List.of("alknet-server.service", "alknet-client.service", "alknet-tun.service")) {
            Path installed = Path.of("/usr/lib/systemd/system", unit);
            Process p = new ProcessBuilder("systemd-analyze", "verify", installed.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), unit);
            assertEquals(0, p.exitValue(), unit + ":\n" + out);
            assertTrue(out.lines().noneMatch(l -> l.contains(unit)), unit + ":\n" + out);
            assertFalse(Files.exists(Path.of("/etc/systemd/system/multi-user.target.wants", unit)), unit + " enabled");
        }
    }
}
