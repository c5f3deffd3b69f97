package dev.alknet.server.policy;

import dev.alknet.core.ssh.SshSession;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.server.auth.pubkey.PublickeyAuthenticator;
import org.apache.sshd.server.session.ServerSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Public-key authentication against an authorized_keys file, with the per-key options of {@link KeyOptions} and
 * {@code cert-authority} lines for OpenSSH user certificates. MINA has already checked a certificate's type (user),
 * validity window, CA signature and critical options ({@code source-address} honoured, any other refused) before this
 * runs; here the CA must be listed with {@code cert-authority} and the certificate must name principal
 * {@value #PRINCIPAL} (or one of the line's {@code principals=}), whatever user name the client sent: alknet has one
 * account, so the client's user name is no claim. The file is re-read when it changes. Every refusal is logged as one
 * fail2ban-friendly line.
 */
public final class KeyAuthenticator implements PublickeyAuthenticator {

    private static final Logger LOG = LoggerFactory.getLogger(KeyAuthenticator.class);
    /** The principal a certificate must list when its CA's line has no {@code principals=}. */
    public static final String PRINCIPAL = "alknet";

    private record Line(PublicKey key, String comment, KeyOptions options) {
    }

    /** A line skipped for a bad option: its key, so a login with it is logged with the reason, not "not listed". */
    private record Refused(PublicKey key, String why) {
    }

    private final Path file;
    private volatile List<Line> lines = List.of();
    private volatile List<Refused> refused = List.of();
    private volatile FileTime loadedMtime;
    private volatile long loadedSize = -1;

    public KeyAuthenticator(Path file) {
        this.file = file;
    }

    /** Reads the file now; a malformed option is an error naming the line, so the server does not start with it. */
    public KeyAuthenticator load() throws IOException {
        reloadIfChanged(true);
        return this;
    }

    @Override
    public boolean authenticate(String username, PublicKey key, ServerSession session) {
        try {
            reloadIfChanged(false);
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot re-read {}: {} (using the previous contents)", file, e.getMessage());
        }
        String why = check(key, session);
        if (why != null) {
            LOG.warn("auth failure from {} user {} key {} ({})", source(session), username, fingerprint(key), why);
            return false;
        }
        return true;
    }

    /** Null if accepted (and the grant stored on the session), else the reason. */
    private String check(PublicKey key, ServerSession session) {
        InetAddress client = clientAddress(session);
        Instant now = Instant.now();
        if (key instanceof OpenSshCertificate cert) {
            String lastWhy = "certificate signed by an unknown CA " + fingerprint(cert.getCaPubKey());
            for (Line l : lines) {
                if (!l.options().certAuthority() || !KeyUtils.compareKeys(l.key(), cert.getCaPubKey())) {
                    continue;
                }
                String why = certificateProblem(cert, l.options());
                if (why == null) {
                    why = lineProblem(l.options(), client, now);
                }
                if (why == null) {
                    KeyOptions o = l.options();
                    if (!cert.getExtensionsMap().containsKey("permit-port-forwarding")) {
                        o = o.withoutPortForwarding(); // as sshd: the line and the certificate must both allow it
                    }
                    SshSession.of(session).set(KeyGrant.KEY, new KeyGrant(fingerprint(cert.getCertPubKey()), l.comment(), o));
                    return null;
                }
                lastWhy = why;
            }
            return refusedLine(cert.getCaPubKey(), lastWhy);
        }
        String lastWhy = "key not in " + file.getFileName();
        for (Line l : lines) {
            if (l.options().certAuthority() || !KeyUtils.compareKeys(l.key(), key)) {
                continue;
            }
            String why = lineProblem(l.options(), client, now);
            if (why == null) {
                SshSession.of(session).set(KeyGrant.KEY, new KeyGrant(fingerprint(key), l.comment(), l.options()));
                return null;
            }
            lastWhy = why;
        }
        return refusedLine(key, lastWhy);
    }

    /** The reason a refused line of this key (or CA) was skipped, else {@code otherwise}. */
    private String refusedLine(PublicKey key, String otherwise) {
        for (Refused r : refused) {
            if (KeyUtils.compareKeys(r.key(), key)) {
                return r.why();
            }
        }
        return otherwise;
    }

    private static String certificateProblem(OpenSshCertificate cert, KeyOptions options) {
        Collection<String> principals = cert.getPrincipals();
        if (principals == null || principals.isEmpty()) {
            return "certificate " + cert.getId() + " lists no principals";
        }
        List<String> wanted = options.principals().isEmpty() ? List.of(PRINCIPAL) : options.principals();
        for (String p : principals) {
            if (wanted.contains(p)) {
                return null;
            }
        }
        return "certificate " + cert.getId() + " is for principal " + String.join(",", principals) + ", not "
                + String.join(",", wanted);
    }

    /** What the line itself says against this login: its {@code expiry-time} or {@code from=}. */
    private static String lineProblem(KeyOptions options, InetAddress client, Instant now) {
        if (options.expiredAt(now)) {
            return "key expired at " + options.expiry() + " (expiry-time)";
        }
        if (options.from() == null || (client != null && options.from().matches(client))) {
            return null;
        }
        return "from=\"" + options.from() + "\" does not match";
    }

    private void reloadIfChanged(boolean strict) throws IOException {
        FileTime mtime = Files.getLastModifiedTime(file);
        long size = Files.size(file);
        if (mtime.equals(loadedMtime) && size == loadedSize) {
            return;
        }
        List<Line> parsed = new ArrayList<>();
        List<Refused> skipped = new ArrayList<>();
        int n = 0;
        for (String raw : Files.readAllLines(file)) {
            n++;
            String s = raw.trim();
            if (s.isEmpty() || s.startsWith("#")) {
                continue;
            }
            AuthorizedKeyEntry e;
            PublicKey k;
            try {
                e = AuthorizedKeyEntry.parseAuthorizedKeyEntry(s);
                k = e == null ? null : e.resolvePublicKey(null, PublicKeyEntryResolver.FAILING);
            } catch (IllegalArgumentException | IllegalStateException | IOException
                    | java.security.GeneralSecurityException ex) {
                // As sshd: a key type we do not know (or a garbled line) is skipped, the others still work.
                LOG.warn("skipping {} line {}: {}", file, n, ex.getMessage());
                continue;
            }
            if (k == null) {
                continue;
            }
            try {
                Map<String, String> opts = e.getLoginOptions();
                parsed.add(new Line(k, e.getComment(), KeyOptions.of(opts)));
            } catch (IllegalArgumentException ex) {
                // A bad option could mean more access than intended: refuse to start with it, skip it later.
                String msg = file + " line " + n + ": " + ex.getMessage();
                if (strict) {
                    throw new IOException(msg, ex);
                }
                LOG.warn("skipping {}", msg);
                skipped.add(new Refused(k, "line " + n + " of " + file.getFileName() + " refused: " + ex.getMessage()));
            }
        }
        lines = List.copyOf(parsed);
        refused = List.copyOf(skipped);
        loadedMtime = mtime;
        loadedSize = size;
    }

    private static InetAddress clientAddress(ServerSession session) {
        SocketAddress a = session.getClientAddress();
        return a instanceof InetSocketAddress i ? i.getAddress() : null;
    }

    /** {@code 203.0.113.5 port 51234}, as OpenSSH writes it. */
    static String source(ServerSession session) {
        SocketAddress a = session.getClientAddress();
        if (a instanceof InetSocketAddress i && i.getAddress() != null) {
            return i.getAddress().getHostAddress() + " port " + i.getPort();
        }
        return String.valueOf(a);
    }

    private static String fingerprint(PublicKey key) {
        try {
            return KeyUtils.getFingerPrint(key);
        } catch (RuntimeException e) {
            return "(unknown)";
        }
    }
}
