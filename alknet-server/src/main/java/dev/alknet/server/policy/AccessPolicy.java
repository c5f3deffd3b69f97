package dev.alknet.server.policy;

import dev.alknet.server.dial.DestinationPolicy;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.sshd.common.session.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which destinations a session may reach (docs/adr/0012). Evaluated in this order, the first step that matches decides:
 * <ol>
 * <li>the key's {@code permitopen} (if it has any) must name the destination, else denied;</li>
 * <li>the key's own deny rules, then its allow rules (policy file {@code keys:});</li>
 * <li>the server's deny rules, then its allow rules ({@code --deny}, {@code --allow}, policy file);</li>
 * <li>a matching {@code permitopen} allows;</li>
 * <li>protected addresses (by default loopback, link-local and the server's own addresses) are denied;</li>
 * <li>the default: allow, or deny with {@code default: deny}.</li>
 * </ol>
 * Rules see the name the client sent and, once resolved, each address it resolved to: a name that resolves to a denied
 * address is denied. When an outbound proxy resolves names, address rules can only match IP literals.
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
    private final List<DestinationRule> protectedRules;
    private final boolean defaultAllow;
    private final boolean namesResolvedRemotely;
    private final DenialLog denials;

    AccessPolicy(RuleSet global, List<KeyRules> perKey, List<String> protectedClasses, boolean defaultAllow,
            boolean namesResolvedRemotely) {
        this(global, perKey, protectedClasses, defaultAllow, namesResolvedRemotely,
                new DenialLog(LOG::info, System::nanoTime));
    }

    private AccessPolicy(RuleSet global, List<KeyRules> perKey, List<String> protectedClasses, boolean defaultAllow,
            boolean namesResolvedRemotely, DenialLog denials) {
        this.denials = denials;
        this.global = global;
        this.perKey = List.copyOf(perKey);
        this.protectedClasses = List.copyOf(protectedClasses);
        List<DestinationRule> p = new ArrayList<>();
        for (String c : protectedClasses) {
            p.add(DestinationRule.parse(c));
        }
        this.protectedRules = List.copyOf(p);
        this.defaultAllow = defaultAllow;
        this.namesResolvedRemotely = namesResolvedRemotely;
    }

    /** The safe default: everything but loopback, link-local and the server's own addresses. */
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
    public boolean allowed(String host, int port, Session session) {
        String name = unbracket(host);
        InetAddress literal = NetUtil.createInetAddressFromIpAddressString(name);
        Decision d = decide(name, literal, port, KeyGrant.of(session), literal == null && !namesResolvedRemotely);
        if (d == Decision.DENY) {
            denials.denied("{}: denied {} port {} by policy", who(session), host, port);
            return false;
        }
        return true; // ALLOW, or UNDECIDED until the resolved addresses are known
    }

    @Override
    public boolean allowedAddress(String host, int port, InetAddress address, Session session) {
        boolean ok = decide(unbracket(host), address, port, KeyGrant.of(session), false) == Decision.ALLOW;
        if (!ok) {
            denials.denied("{}: denied {} ({}) port {} by policy", who(session), host, address.getHostAddress(),
                    port);
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
        for (KeyRules k : perKey) {
            if (k.selects(grant)) {
                Decision d = step(k.rules(), n, address, port, later);
                if (d != null) {
                    return d;
                }
            }
        }
        Decision d = step(global, n, address, port, later);
        if (d != null) {
            return d;
        }
        if (grant != null && grant.options().namesOpen(name, port)) {
            return Decision.ALLOW;
        }
        Match prot = RuleSet.any(protectedRules, n, address, port, later);
        if (prot == Match.YES) {
            return Decision.DENY;
        }
        if (prot == Match.MAYBE) {
            return Decision.UNDECIDED;
        }
        return defaultAllow ? Decision.ALLOW : (later ? Decision.UNDECIDED : Decision.DENY);
    }

    /** Deny rules first, then allow rules; null if neither matches. */
    private static Decision step(RuleSet rules, String name, InetAddress address, int port, boolean later) {
        Match deny = RuleSet.any(rules.deny(), name, address, port, later);
        if (deny == Match.YES) {
            return Decision.DENY;
        }
        if (deny == Match.MAYBE) {
            return Decision.UNDECIDED;
        }
        Match allow = RuleSet.any(rules.allow(), name, address, port, later);
        if (allow == Match.YES) {
            return Decision.ALLOW;
        }
        return allow == Match.MAYBE ? Decision.UNDECIDED : null;
    }

    private static String unbracket(String h) {
        return h.length() > 1 && h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
    }

    private static String who(Session session) {
        if (session == null) {
            return "?";
        }
        KeyGrant g = KeyGrant.of(session);
        return session.getUsername() + "@" + session.getIoSession().getRemoteAddress()
                + (g == null ? "" : " key " + g.fingerprint());
    }

    @Override
    public String toString() {
        return "allow " + global.allow() + " deny " + global.deny() + " protected " + protectedRules + " default "
                + (defaultAllow ? "allow" : "deny") + (perKey.isEmpty() ? "" : " per-key " + perKey.size());
    }
}
