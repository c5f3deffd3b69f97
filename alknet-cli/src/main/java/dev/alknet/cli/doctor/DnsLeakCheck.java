package dev.alknet.cli.doctor;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * With {@code alknet-tun --route-all} running: the system resolver's queries must go into the TUN (where they are
 * answered through the tunnel), not around it. Each nameserver of resolv.conf is looked up as a DNS query to it is
 * routed ({@code udp} port 53); a local stub (127.0.0.53) is followed to the upstream servers systemd-resolved
 * lists. A query that is refused (the kill switch) does not leak.
 */
public final class DnsLeakCheck implements Check {

    public static final Path RESOLV = Path.of("/etc/resolv.conf");
    static final Path RESOLVED_UPSTREAM = Path.of("/run/systemd/resolve/resolv.conf");

    private final Path resolvConf;
    private final String tun;

    public DnsLeakCheck(Path resolvConf, String tun) {
        this.resolvConf = resolvConf;
        this.tun = tun;
    }

    @Override
    public String name() {
        return "dns";
    }

    @Override
    public List<Verdict> run() {
        List<String> servers;
        String source = resolvConf.toString();
        try {
            servers = nameservers(Files.readString(resolvConf));
            if (!servers.isEmpty() && servers.stream().allMatch(DnsLeakCheck::loopback)
                    && Files.isReadable(RESOLVED_UPSTREAM)) {
                servers = nameservers(Files.readString(RESOLVED_UPSTREAM));
                source = RESOLVED_UPSTREAM + ", behind the local stub";
            }
        } catch (IOException e) {
            return List.of(Verdict.skip(name(), "cannot read " + resolvConf + ": " + e.getMessage()));
        }
        if (servers.isEmpty()) {
            return List.of(Verdict.skip(name(), "no nameserver in " + source));
        }
        List<Verdict> out = new ArrayList<>();
        for (String ns : servers) {
            if (loopback(ns)) {
                out.add(Verdict.skip(name(), "resolver " + ns + " is local: where it sends its queries is not known"));
                continue;
            }
            try {
                out.add(judge(ns, source, tun, RouteLookup.get(ns, "udp", 53)));
            } catch (IOException e) {
                out.add(Verdict.skip(name(), "route to resolver " + ns + " not known: " + e.getMessage()));
            }
        }
        return out;
    }

    static Verdict judge(String ns, String source, String tun, RouteLookup.Route r) {
        if (tun.equals(r.dev())) {
            return Verdict.ok("dns", "queries to resolver " + ns + " go into " + tun);
        }
        if (r.blocked()) {
            return Verdict.ok("dns", "queries to resolver " + ns + " are refused, not leaked (the kill switch)");
        }
        return Verdict.fail("dns", "DNS leak: queries to resolver " + ns + " (" + source + ") leave via " + r.dev()
                + ", outside the tunnel", "find the rule or route that sends them around " + tun + " ('ip rule',"
                + " 'ip route get " + ns + " ipproto udp dport 53') and remove it, or restart alknet-tun");
    }

    /** The {@code nameserver} addresses of a resolv.conf text, in order (a {@code %scope} suffix dropped). */
    static List<String> nameservers(String text) {
        List<String> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            String[] w = line.trim().split("\\s+");
            if (w.length >= 2 && w[0].equals("nameserver")) {
                String a = w[1].contains("%") ? w[1].substring(0, w[1].indexOf('%')) : w[1];
                if (a.matches("[0-9a-fA-F:.]+") && !out.contains(a)) {
                    out.add(a);
                }
            }
        }
        return out;
    }

    private static boolean loopback(String address) {
        try {
            return InetAddress.getByName(address).isLoopbackAddress();
        } catch (IOException e) {
            return false;
        }
    }
}
