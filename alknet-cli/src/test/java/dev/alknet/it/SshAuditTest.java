package dev.alknet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code ssh-audit} (the Debian package) against a live {@code alknet serve}: no {@code [fail]} and no {@code [warn]}
 * except for algorithms the installed ssh-audit does not know yet (Debian 12's 2.5.0 predates mlkem768x25519, the
 * un-suffixed sntrup761 name and strict KEX). See docs/adr/0003-ssh-algorithms-and-windows.md.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SshAuditTest {

    private static final Path SSH_AUDIT = Path.of("/usr/bin/ssh-audit");
    /** {@code (kex) name  -- [warn] text}: an algorithm line; a continuation line has no {@code (kex) name}. */
    private static final Pattern ALGORITHM = Pattern.compile("^\\((\\w+)\\) (\\S+)");
    private static final Pattern FINDING = Pattern.compile("\\[(fail|warn)\\] (.*)$");

    record Finding(String section, String algorithm, String level, String text) {
    }

    @Test
    void serveOffersNothingSshAuditFailsOrWarnsAbout() throws Exception {
        assumeTrue(Files.isExecutable(SSH_AUDIT), "ssh-audit not installed (apt-get install ssh-audit)");
        E2e.Keys keys = E2e.keys();
        try (Cli.Running serve = Cli.Running.alknet("serve", "--home", keys.dir().toString(), "--listen",
                "tcp://127.0.0.1:0")) {
            String port = ForwardFixtures.awaitGroup(serve, "listening on tcp://127\\.0\\.0\\.1:(\\d+)");
            String report = run(SSH_AUDIT.toString(), "-n", "-t", "20", "-p", port, "127.0.0.1");
            assertTrue(report.contains("(gen) banner: SSH-2.0-" + dev.alknet.server.SshIdent.DEFAULT), report);
            Matcher compression = Pattern.compile("\\(gen\\) compression: (.*)").matcher(report);
            assertTrue(compression.find(), report);
            assertEquals("disabled", compression.group(1).trim(), "no compression, not even delayed: " + report);
            List<Finding> findings = findings(report);
            List<Finding> bad = findings.stream().filter(f -> !tolerated(f, version())).toList();
            assertEquals(List.of(), bad, report);
            // The allowance is not a blanket one: these algorithms are there and were judged.
            assertTrue(report.contains("(kex) curve25519-sha256 "), report);
            assertTrue(report.contains("(key) ssh-ed25519 "), report);
            assertFalse(report.contains("ecdh-sha2-nistp"), report);
        }
    }

    /** The parser against lines of the report on the previous defaults: each problem there is caught. */
    @Test
    void previousDefaultsWouldFail() {
        String old = String.join("\n",
                "(kex) mlkem768x25519-sha256                 -- [warn] unknown algorithm",
                "(kex) ecdh-sha2-nistp521                    -- [fail] using weak elliptic curves",
                "                                            `- [info] available since OpenSSH 5.7",
                "(mac) hmac-sha2-256                         -- [warn] using encrypt-and-MAC mode",
                "(mac) hmac-sha1                             -- [warn] using encrypt-and-MAC mode",
                "                                            `- [warn] using weak hashing algorithm",
                "",
                "# algorithm recommendations",
                "(rec) -ecdh-sha2-nistp256                   -- kex algorithm to remove ");
        List<Finding> bad = findings(old).stream().filter(f -> !tolerated(f, 2)).toList();
        assertEquals(List.of(new Finding("kex", "ecdh-sha2-nistp521", "fail", "using weak elliptic curves"),
                new Finding("mac", "hmac-sha2-256", "warn", "using encrypt-and-MAC mode"),
                new Finding("mac", "hmac-sha1", "warn", "using encrypt-and-MAC mode"),
                new Finding("mac", "hmac-sha1", "warn", "using weak hashing algorithm")), bad);
        assertFalse(tolerated(new Finding("kex", "sntrup761x25519-sha512@openssh.com", "warn",
                "using experimental algorithm"), 3), "newer ssh-audit does not call it experimental");
    }

    /**
     * An algorithm ssh-audit does not know yet. Also, before ssh-audit 3, its "experimental" label on
     * sntrup761x25519-sha512@openssh.com: the post-quantum hybrid OpenSSH 9.0-9.8 use by default (since 9.0 it is not
     * experimental; newer ssh-audit says so). Dropping it would cost those clients their post-quantum key exchange.
     */
    static boolean tolerated(Finding f, int major) {
        if (f.level().equals("warn") && f.text().startsWith("unknown algorithm")) {
            return true;
        }
        return major < 3 && f.level().equals("warn") && f.algorithm().equals("sntrup761x25519-sha512@openssh.com")
                && f.text().startsWith("using experimental algorithm");
    }

    static List<Finding> findings(String report) {
        List<Finding> out = new ArrayList<>();
        String section = null;
        String algorithm = null;
        for (String line : report.lines().toList()) {
            Matcher a = ALGORITHM.matcher(line);
            if (a.find()) {
                section = a.group(1);
                algorithm = a.group(2);
            } else if (!line.stripLeading().startsWith("`-")) {
                section = null; // a heading or a blank line ends the algorithm's notes
                algorithm = null;
            }
            Matcher f = FINDING.matcher(line);
            if (f.find() && !"rec".equals(section)) {
                out.add(new Finding(section, algorithm, f.group(1), f.group(2).trim()));
            }
        }
        return out;
    }

    /** The major version of the installed ssh-audit ({@code # ssh-audit v2.5.0} in its help). */
    private static int version() {
        try {
            Matcher m = Pattern.compile("ssh-audit v(\\d+)\\.").matcher(run(SSH_AUDIT.toString(), "-h"));
            return m.find() ? Integer.parseInt(m.group(1)) : Integer.MAX_VALUE;
        } catch (Exception e) {
            return Integer.MAX_VALUE;
        }
    }

    /** Output of {@code cmd} (any exit code: ssh-audit exits non-zero on warnings, which we judge ourselves). */
    private static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", cmd) + " did not finish");
        }
        return out;
    }
}
