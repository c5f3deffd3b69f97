package dev.alknet.cli.doctor;

import dev.alknet.core.hostkeys.KnownHostsLine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The SSH host key state of each server, from the dials: known (or matching {@code --host-key}), changed or
 * revoked, or not known yet. The dials ran against a scratch copy of known_hosts with trust on first use, so a key
 * they met for the first time shows up there as a new line: the real file is never written by a doctor.
 */
public final class HostKeyCheck implements Check {

    private final List<Dial> dials;
    private final Path knownHosts;
    private final Path scratch;
    private final boolean strict;

    public HostKeyCheck(List<Dial> dials, Path knownHosts, Path scratch, boolean strict) {
        this.dials = dials;
        this.knownHosts = knownHosts;
        this.scratch = scratch;
        this.strict = strict;
    }

    @Override
    public String name() {
        return "hostkey";
    }

    @Override
    public List<Verdict> run() {
        List<String> added = addedLines();
        List<Verdict> out = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (Dial d : dials) {
            String pattern = KnownHostsLine.hostPattern(d.host(), d.options().server().port());
            if (!seen.add(pattern)) {
                continue;
            }
            String error = d.error() == null ? "" : d.error();
            String fingerprint = added.stream().filter(l -> l.startsWith(pattern + " ")).findFirst()
                    .map(HostKeyCheck::fingerprint).orElse(null);
            if (error.contains("HOST KEY CHANGED") || error.contains("REVOKED")) {
                out.add(Verdict.fail(name(), error, "if the server was reinstalled, remove the old key with"
                        + " ssh-keygen -R '" + pattern + "' -f " + knownHosts + "; otherwise do not connect"));
            } else if (error.contains("does not match --host-key")) {
                out.add(Verdict.fail(name(), error, "compare with the fingerprint 'alknet serve' prints and fix"
                        + " --host-key (or the share string's host key)"));
            } else if (fingerprint != null && strict) {
                out.add(Verdict.fail(name(), "host key " + fingerprint + " of " + pattern + " is not in " + knownHosts
                        + " and --strict-host-key refuses it", "check it matches the fingerprint 'alknet serve'"
                        + " printed, then pin it with --host-key " + fingerprint));
            } else if (fingerprint != null) {
                out.add(Verdict.warn(name(), "host key " + fingerprint + " of " + pattern + " is not in " + knownHosts
                        + " yet: 'alknet connect' will trust it on first use", "check it matches the fingerprint"
                        + " 'alknet serve' printed, or pin it with --host-key " + fingerprint));
            } else if (d.reached()) {
                out.add(Verdict.ok(name(), "host key of " + pattern + (d.options().hostKeyPin() != null
                        ? " matches --host-key" : " matches " + knownHosts)));
            } else {
                out.add(Verdict.skip(name(), pattern + " not reached, its host key not seen"));
            }
        }
        return out;
    }

    /** The lines the dials appended to the scratch copy (keys met for the first time). */
    private List<String> addedLines() {
        try {
            List<String> before = Files.exists(knownHosts) ? Files.readAllLines(knownHosts, StandardCharsets.UTF_8)
                    : List.of();
            List<String> after = Files.exists(scratch) ? Files.readAllLines(scratch, StandardCharsets.UTF_8)
                    : List.of();
            return after.size() > before.size() ? after.subList(before.size(), after.size()) : List.of();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** {@code SHA256:...} of a known_hosts line's key ({@code pattern type base64 [comment]}), as ssh-keygen -l. */
    static String fingerprint(String line) {
        String[] f = line.trim().split("\\s+");
        if (f.length < 3) {
            return "(unreadable key)";
        }
        try {
            byte[] blob = Base64.getDecoder().decode(f[2]);
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(blob);
            return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest);
        } catch (IllegalArgumentException | NoSuchAlgorithmException e) {
            return "(unreadable key)";
        }
    }
}
