package dev.alknet.server.policy;

import dev.alknet.core.log.DenialLog;
import dev.alknet.core.ssh.SshSession;
import dev.alknet.server.dial.DestinationPolicy;
import dev.alknet.server.dial.HostLiteral;
import java.net.InetAddress;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which destinations a session may reach (docs/adr/0012). Evaluated in this order, the first step that matches decides:
 * <ol>
 * <li>the key's {@code permitopen} (if it has any) must name the destination, else denied;</li>
 * <li>the key's own deny rules, then its allow rules (policy file {@code keys:});</li>
 * <li>the server's deny rules, then its allow rules ({@code --deny}, {@code --allow}, policy file);</li>
 * <li>a matching {@code permitopen} allows;</li>
 * <li>protected destinations (by default loopback, link-local, cloud metadata and the server's own addresses) are
 * denied;</li>
 * <li>the default: allow, or deny with {@code default: deny}.</li>
 * </ol>
 * For a protected destination an allow rule or {@code permitopen} counts only if it names it ({@link ProtectedSet}):
 * {@code --allow :80} or {@code --allow '*.example.com'} never opens loopback. Rules see the name the client sent and,
 * once resolved, each address it resolved to: a name that resolves to a denied address is denied. A host is parsed
 * once ({@link HostLiteral}): {@code 127.1} is the address 127.0.0.1, and a host that is neither a name nor an address
 * is denied. When an outbound proxy resolves names, address rules can only match IP literals.
 */
public final class AccessPolicy implements DestinationPolicy {

    private static final Logger LOG = LoggerFactory.getLogger(AccessPolicy.class);

    /** Rules for the keys a selector picks: a key fingerprint ({@code SHA256:...}) or an authorized_keys comment. */
    record KeyRules(String selector, RuleSet rules) {
        boolean selects(KeyGrant grant) {
            return grant != null && (selector.equals(grant.fingerprint())
                    || (grant.comment() != null && selector.equals(grant.comment())));
        }
    }

    private enum Decision { ALLOW, DENY, UNDECIDED }

    private final RuleSet global;
    private final List<KeyRules> perKey;
    private final List<String> protectedClasses;
    private final ProtectedSet protectedSet;
    private final boolean defaultAllow;
    private final boolean namesResolvedRemotely;
    private final DenialLog denials;

    AccessPolicy(RuleSet global, List<KeyRules> perKey, List<String> protectedClasses, boolean defaultAllow,
            boolean namesResolvedRemotely) {
        this(global, perKey, protectedClasses, defaultAllow, namesResolvedRemotely,
                new DenialLog(LOG::info, System::nanoTime, "policy denials"));
    }

    private AccessPolicy(RuleSet global, List<KeyRules> perKey, List<String> protectedClasses, boolean defaultAllow,
            boolean namesResolvedRemotely, DenialLog denials) {
        this.denials = denials;
        this.global = global;
        this.perKey = List.copyOf(perKey);
        this.protectedClasses = List.copyOf(protectedClasses);
        this.protectedSet = new ProtectedSet(protectedClasses);
        this.defaultAllow = defaultAllow;
        this.namesResolvedRemotely = namesResolvedRemotely;
    }

    /** The safe default: everything but loopback, link-local, cloud metadata and the server's own addresses. */
    public static AccessPolicy defaults() {
        return new AccessPolicyBuilder().build();
    }

    public static AccessPolicyBuilder builder() {
        return new AccessPolicyBuilder();
    }

    /** This policy for a server whose outbound proxy resolves names (address rules then see only literals). */
    public AccessPolicy namesResolvedRemotely() {
        return new AccessPolicy(global, perKey, protectedClasses, defaultAllow, true, denials);
    }

    @Override
    public boolean allowed(String host, int port, SshSession session) {
        HostLiteral.Host h = HostLiteral.parse(host);
        if (h.isInvalid()) {
            denials.denied("{}: denied {} port {}: {}", who(session), printable(host), port, h.name());
            return false;
        }
        String name = unbracket(host);
        Decision d = decide(name, h.address(), port, KeyGrant.of(session), !h.isAddress() && !namesResolvedRemotely);
        if (d == Decision.DENY) {
            denials.denied("{}: denied {} port {} by policy", who(session), host, port);
            return false;
        }
        return true; // ALLOW, or UNDECIDED until the resolved addresses are known
    }

    @Override
    public boolean allowedAddress(String host, int port, InetAddress address, SshSession session) {
        boolean ok = !HostLiteral.parse(host).isInvalid()
                && decide(unbracket(host), address, port, KeyGrant.of(session), false) == Decision.ALLOW;
        if (!ok) {
            denials.denied("{}: denied {} ({}) port {} by policy", who(session), printable(host),
                    address.getHostAddress(), port);
        }
        return ok;
    }

    /** For tests and the operator's dry runs: the final answer for a name and (optional) resolved address. */
    boolean permits(String name, InetAddress address, int port, KeyGrant grant) {
        return decide(name, address, port, grant, false) == Decision.ALLOW;
    }

    private Decision decide(String name, InetAddress address, int port, KeyGrant grant, boolean later) {
        String n = name.toLowerCase(Locale.ROOT);
        if (grant != null && !grant.permitsOpen(name, port)) {
            return Decision.DENY;
        }
        Match prot = protectedSet.test(n, address, later);
        for (KeyRules k : perKey) {
            if (k.selects(grant)) {
                Decision d = step(k.rules(), n, address, port, later, prot);
                if (d != null) {
                    return d;
                }
            }
        }
        Decision d = step(global, n, address, port, later, prot);
        if (d != null) {
            return d;
        }
        if (grant != null) {
            String named = grant.options().openNamed(name, port);
            if (named != null) {
                if (prot == Match.NO || permitopenNames(named, n)) {
                    return Decision.ALLOW;
                }
                if (prot == Match.MAYBE) {
                    return Decision.UNDECIDED;
                }
            }
        }
        if (prot == Match.YES) {
            return Decision.DENY;
        }
        if (prot == Match.MAYBE) {
            return Decision.UNDECIDED;
        }
        return defaultAllow ? Decision.ALLOW : (later ? Decision.UNDECIDED : Decision.DENY);
    }

    /**
     * Deny rules first, then allow rules; null if neither decides. For a protected destination ({@code prot} YES)
     * only an allow rule that names it counts; while only the address can tell ({@code prot} MAYBE) an allow waits.
     */
    private Decision step(RuleSet rules, String name, InetAddress address, int port, boolean later, Match prot) {
        Match deny = RuleSet.any(rules.deny(), name, address, port, later);
        if (deny == Match.YES) {
            return Decision.DENY;
        }
        if (deny == Match.MAYBE) {
            return Decision.UNDECIDED;
        }
        boolean maybe = false;
        for (DestinationRule r : rules.allow()) {
            Match m = r.match(name, address, port, later);
            if (m == Match.MAYBE) {
                maybe = true;
            } else if (m == Match.YES) {
                if (prot == Match.NO || protectedSet.coveredBy(r.host(), name, address)) {
                    return Decision.ALLOW;
                }
                if (prot == Match.MAYBE) {
                    maybe = true;
                }
            }
        }
        return maybe ? Decision.UNDECIDED : null;
    }

    /** A permitopen host names a protected destination if it is an IP literal or a protected name (localhost). */
    private boolean permitopenNames(String permitHost, String name) {
        return !permitHost.isEmpty()
                && (HostLiteral.parse(permitHost).isAddress() || protectedSet.protectsName(name));
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && i < 255; i++) {
            char c = s.charAt(i);
            b.append(c < 0x20 || c >= 0x7f ? '?' : c);
        }
        return b.toString();
    }

    private static String unbracket(String h) {
        return h.length() > 1 && h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
    }

    private static String who(SshSession session) {
        if (session == null) {
            return "?";
        }
        KeyGrant g = KeyGrant.of(session);
        return session.user() + "@" + session.remoteAddress()
                + (g == null ? "" : " key " + g.fingerprint());
    }

    @Override
    public String toString() {
        return "allow " + global.allow() + " deny " + global.deny() + " protected " + protectedSet + " default "
                + (defaultAllow ? "allow" : "deny") + (perKey.isEmpty() ? "" : " per-key " + perKey.size());
    }
}
