package dev.alknet.server.policy;

import java.util.ArrayList;
import java.util.List;

/** Collects the server's rules from flags and the policy file; every mistake is a one-line IllegalArgumentException. */
public final class AccessPolicyBuilder {

    private RuleSet global = RuleSet.EMPTY;
    private final List<AccessPolicy.KeyRules> perKey = new ArrayList<>();
    private boolean defaultAllow = true;

    AccessPolicyBuilder() {
    }

    /** Adds {@code --allow}/{@code --deny} destinations (see {@link DestinationRule} for the syntax). */
    public AccessPolicyBuilder rules(List<String> allow, List<String> deny) {
        global = global.plus(RuleSet.parse(allow, deny));
        return this;
    }

    /** Rules for the keys with this fingerprint ({@code SHA256:...}) or authorized_keys comment. */
    public AccessPolicyBuilder keyRules(String selector, List<String> allow, List<String> deny) {
        if (selector == null || selector.isBlank()) {
            throw new IllegalArgumentException("a per-key rule needs 'key:' (a SHA256: fingerprint or a comment)");
        }
        perKey.add(new AccessPolicy.KeyRules(selector.trim(), RuleSet.parse(allow, deny)));
        return this;
    }

    /** What a destination no rule matched gets (after the protected addresses): allow (the default) or deny. */
    public AccessPolicyBuilder defaultAllow(boolean allow) {
        defaultAllow = allow;
        return this;
    }

    public AccessPolicy build() {
        return new AccessPolicy(global, perKey, AddressClasses.PROTECTED_BY_DEFAULT, defaultAllow, false);
    }
}
