package dev.alknet.core.hostkeys;

import dev.alknet.core.keys.KeyFiles;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks server host keys against an OpenSSH known_hosts file ({@code [host]:port} entries, hashed ones
 * included), or against a pinned fingerprint. A key on a {@code @revoked} line for the host is refused before
 * anything else, pinned or not, and never recorded on first use (as ssh(1)). A refusal is explained in the session
 * attribute {@link #REJECTION} so the client can print why, instead of MINA's generic "did not validate".
 */
public final class KnownHostsVerifier implements ServerKeyVerifier {

    public static final AttributeKey<String> REJECTION = new AttributeKey<>();
    private static final Logger LOG = LoggerFactory.getLogger(KnownHostsVerifier.class);

    private final Path file;
    private final HostKeyPolicy policy;
    private final String pinnedFingerprint;
    /** Also kept here: MINA clears session attributes on close, which can happen before the caller asks why. */
    private final Map<ClientSession, String> rejections = Collections.synchronizedMap(new WeakHashMap<>());

    /** @param pinnedFingerprint {@code SHA256:...} to require, or null to use known_hosts */
    public KnownHostsVerifier(Path file, HostKeyPolicy policy, String pinnedFingerprint) {
        this.file = file;
        this.policy = policy;
        this.pinnedFingerprint = pinnedFingerprint;
    }

    @Override
    public boolean verifyServerKey(ClientSession session, SocketAddress remote, PublicKey key) {
        InetSocketAddress target = (InetSocketAddress) session.getConnectAddress();
        String host = target.getHostString();
        int port = target.getPort();
        String seen = KeyFiles.fingerprint(key);
        synchronized (KnownHostsVerifier.class) {
            try {
                if (revoked(host, port, key, session)) {
                    return reject(session, "REVOKED host key " + seen + " for " + display(host, port)
                            + ": it is marked @revoked in " + file + "; refusing to connect");
                }
            } catch (IOException e) {
                return reject(session, "cannot read " + file + ": " + e.getMessage());
            }
        }
        if (pinnedFingerprint != null) {
            if (KeyUtils.checkFingerPrint(pinnedFingerprint, key).getKey()) {
                return true;
            }
            return reject(session, "host key of " + display(host, port) + " does not match --host-key: seen "
                    + seen + ", expected " + pinnedFingerprint);
        }
        synchronized (KnownHostsVerifier.class) {
            List<PublicKey> known;
            try {
                known = knownKeys(host, port, session);
            } catch (IOException e) {
                return reject(session, "cannot read " + file + ": " + e.getMessage());
            }
            for (PublicKey k : known) {
                if (KeyUtils.compareKeys(k, key)) {
                    return true;
                }
            }
            if (!known.isEmpty()) {
                List<String> expected = new ArrayList<>();
                known.forEach(k -> expected.add(KeyFiles.fingerprint(k)));
                return reject(session, "HOST KEY CHANGED for " + display(host, port) + ": seen " + seen
                        + ", expected " + String.join(" or ", expected) + " (" + file
                        + "); refusing to connect");
            }
            if (policy == HostKeyPolicy.STRICT) {
                return reject(session, "unknown host key " + seen + " for " + display(host, port)
                        + " and --strict-host-key is set (add it to " + file + " or pin it with --host-key)");
            }
            try {
                record(host, port, key);
            } catch (IOException e) {
                return reject(session, "cannot record host key in " + file + ": " + e.getMessage());
            }
            LOG.info("new host {}: recorded host key {} in {}", display(host, port), seen, file);
            return true;
        }
    }

    private List<PublicKey> knownKeys(String host, int port, ClientSession session) throws IOException {
        return keys(host, port, session, null);
    }

    /** ssh(1): a {@code @revoked} line whose host patterns match names a key that must never be accepted. */
    private boolean revoked(String host, int port, PublicKey key, ClientSession session) throws IOException {
        for (PublicKey k : keys(host, port, session, REVOKED)) {
            if (KeyUtils.compareKeys(k, key)) {
                return true;
            }
        }
        return false;
    }

    private static final String REVOKED = "revoked";

    /** Keys of the lines for this host with {@code marker} ({@code revoked}), or unmarked ones if null. */
    private List<PublicKey> keys(String host, int port, ClientSession session, String marker) throws IOException {
        if (!Files.exists(file)) {
            return Collections.emptyList();
        }
        List<PublicKey> keys = new ArrayList<>();
        for (KnownHostEntry e : KnownHostEntry.readKnownHostEntries(file)) {
            // @cert-authority lines are not used: alknet does not accept host certificates
            if (!java.util.Objects.equals(marker, e.getMarker()) || !KnownHostMatch.matches(e, host, port)) {
                continue;
            }
            try {
                PublicKey k = e.getKeyEntry().resolvePublicKey(session, PublicKeyEntryResolver.IGNORING);
                if (k != null) {
                    keys.add(k);
                }
            } catch (Exception ex) {
                LOG.debug("skipping unreadable known_hosts entry {}", e, ex);
            }
        }
        return keys;
    }

    private void record(String host, int port, PublicKey key) throws IOException {
        String line = KnownHostsLine.of(host, port, key) + "\n";
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Files.write(file, line.getBytes(StandardCharsets.UTF_8), StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    private static String display(String host, int port) {
        return KnownHostsLine.hostPattern(host, port);
    }

    /** Why this verifier refused the host key of {@code session}, or null; still known after the session closed. */
    public String rejection(ClientSession session) {
        String why = session.getAttribute(REJECTION);
        return why != null ? why : rejections.get(session);
    }

    private boolean reject(ClientSession session, String why) {
        LOG.debug("host key rejected: {}", why);
        rejections.put(session, why);
        session.setAttribute(REJECTION, why);
        return false;
    }
}
