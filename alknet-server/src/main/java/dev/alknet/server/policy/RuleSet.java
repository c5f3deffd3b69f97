package dev.alknet.server.policy;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/** Allow and deny destination rules of one scope (the server, or one key). */
record RuleSet(List<DestinationRule> allow, List<DestinationRule> deny) {

    static final RuleSet EMPTY = new RuleSet(List.of(), List.of());

    RuleSet {
        allow = List.copyOf(allow);
        deny = List.copyOf(deny);
    }

    static RuleSet parse(List<String> allow, List<String> deny) {
        return new RuleSet(rules(allow), rules(deny));
    }

    RuleSet plus(RuleSet other) {
        List<DestinationRule> a = new ArrayList<>(allow);
        a.addAll(other.allow);
        List<DestinationRule> d = new ArrayList<>(deny);
        d.addAll(other.deny);
        return new RuleSet(a, d);
    }

    static Match any(List<DestinationRule> rules, String name, InetAddress address, int port, boolean later) {
        Match result = Match.NO;
        for (DestinationRule r : rules) {
            Match m = r.match(name, address, port, later);
            if (m == Match.YES) {
                return Match.YES;
            }
            if (m == Match.MAYBE) {
                result = Match.MAYBE;
            }
        }
        return result;
    }

    private static List<DestinationRule> rules(List<String> texts) {
        List<DestinationRule> out = new ArrayList<>();
        if (texts != null) {
            for (String t : texts) {
                out.add(DestinationRule.parse(t));
            }
        }
        return out;
    }
}
