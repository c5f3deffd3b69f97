package dev.alknet.server.dial;

import java.net.InetAddress;
import java.util.Objects;
import dev.alknet.core.ssh.SshSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * "May this session reach this destination, and if not, why": the one place a {@code direct-tcpip} open and a UDP
 * datagram are decided (docs/architecture.md, "Destination decision"). {@link #open} runs the chain before any DNS
 * lookup, in this order; the first step that refuses decides:
 * <ol>
 * <li>the port: 1–65535, else connect failed "invalid port N";</li>
 * <li>address classes and rules: the {@link DestinationPolicy} ({@code AccessPolicy} for {@code alknet serve}: the
 * key's {@code permitopen} and rules, the server's rules, the protected classes, the default), else forbidden;</li>
 * <li>drain and key grant: the server's forwarding filter ({@code ServerForwardingFilter}: no new channels
 * while draining, the key's {@code no-port-forwarding} and {@code permitopen}; a server's own filter is honoured the
 * same way), else forbidden;</li>
 * <li>the host: an address or a name ({@link HostLiteral}) and no reserved name ({@link ReservedNames}), else unknown
 * host: nothing is looked up;</li>
 * </ol>
 * then {@link #allowsAddress} for each address a name resolved to (a name resolving to a denied address is denied).
 * Rules see the destination before the host check so that a policy that refuses a malformed host logs and answers
 * forbidden, as it always has. A step that throws refuses. {@code tcpip-forward} ({@code -R}) listeners are decided by
 * {@code ServerForwardingFilter.canListen}, the same drain and key-grant step with the listen rules.
 */
public final class DestinationDecision {

    /** What the destination is for: the channel type the client opened. */
    public enum Kind {
        DIRECT_TCPIP,
        UDP
    }

    /** The outcome of {@link #open}: a checked target, or why not. */
    public record Verdict(DialTarget target, DialException denial) {
        public boolean allowed() {
            return denial == null;
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(DestinationDecision.class);

    private final DestinationPolicy rules;

    public DestinationDecision(DestinationPolicy rules) {
        this.rules = Objects.requireNonNull(rules, "rules");
    }

    /** The chain before DNS; never blocks. */
    public Verdict open(SshSession session, Kind kind, String host, long port) {
        try {
            DialTarget.checkPort(port);
            int p = (int) port;
            if (!permitted(session, host, p)) {
                return denied(DialErrors.forbidden());
            }
            return new Verdict(DialTarget.parse(host, p), null);
        } catch (DialException e) {
            return denied(e);
        }
    }

    /** For one address {@code target}'s name resolved to (or its literal): the rules again, now with the address. */
    public boolean allowsAddress(SshSession session, DialTarget target, InetAddress address) {
        try {
            return rules.allowedAddress(target.host(), target.port(), address, session);
        } catch (RuntimeException e) {
            LOG.debug("{} address check failed for {}, denying", session, address, e);
            return false;
        }
    }

    /** The check a dialer applies to each resolved address of {@code target}. */
    public AddressCheck addressCheck(SshSession session, DialTarget target) {
        return address -> allowsAddress(session, target, address);
    }

    private boolean permitted(SshSession session, String host, int port) {
        try {
            if (!rules.allowed(host, port, session)) {
                return false;
            }
            return session == null || session.forwardingAllowsDirect(host, port);
        } catch (RuntimeException e) {
            LOG.debug("{} policy failed, denying", session, e);
            return false;
        }
    }

    private static Verdict denied(DialException why) {
        return new Verdict(null, why);
    }
}
