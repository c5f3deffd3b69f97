package dev.alknet.cli.doctor;

import java.io.IOException;
import java.util.List;

/**
 * With {@code alknet-tun --route-all} running: IPv6 must go into the TUN or nowhere (alknet-tun captures it, or with
 * {@code --no-ipv6} blocks it); an IPv6 default route that something else puts first leaks every IPv6 connection.
 * Asked for a public address ({@code ip -6 route get} sends nothing).
 */
public final class Ipv6LeakCheck implements Check {

    static final String PUBLIC = "2001:4860:4860::8888";

    private final String tun;

    public Ipv6LeakCheck(String tun) {
        this.tun = tun;
    }

    @Override
    public String name() {
        return "ipv6";
    }

    @Override
    public List<Verdict> run() {
        try {
            return List.of(judge(tun, RouteLookup.get(PUBLIC, null, 0)));
        } catch (IOException e) {
            return List.of(Verdict.skip(name(), "IPv6 route not known: " + e.getMessage()));
        }
    }

    static Verdict judge(String tun, RouteLookup.Route r) {
        if (tun.equals(r.dev())) {
            return Verdict.ok("ipv6", "IPv6 goes into " + tun);
        }
        if (r.blocked()) {
            return Verdict.ok("ipv6", "IPv6 is blocked, not leaked (" + r.text() + ")");
        }
        return Verdict.fail("ipv6", "IPv6 leak: the default route leaves via " + r.dev() + ", outside the tunnel",
                "find the rule that sends IPv6 around " + tun + " ('ip -6 rule') and remove it, or restart alknet-tun");
    }
}
