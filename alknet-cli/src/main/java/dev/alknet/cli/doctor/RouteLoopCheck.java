package dev.alknet.cli.doctor;

import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * With {@code alknet-tun --route-all} running: the server's own addresses must leave outside the TUN, or the tunnel's
 * carrier is sent into the tunnel (a routing loop: it stalls as soon as the session needs a new connection). Asked
 * per address, protocol and port as alknet dials it, as this user (an {@code --exclude-uid} counts).
 */
public final class RouteLoopCheck implements Check {

    private final String host;
    private final int port;
    private final String proto;
    private final String tun;

    public RouteLoopCheck(String host, int port, boolean udp, String tun) {
        this.host = host;
        this.port = port;
        this.proto = udp ? "udp" : "tcp";
        this.tun = tun;
    }

    @Override
    public String name() {
        return "route";
    }

    @Override
    public List<Verdict> run() {
        InetAddress[] all;
        try {
            all = InetAddress.getAllByName(host);
        } catch (IOException e) {
            return List.of(Verdict.skip(name(), "cannot resolve " + host + ": routing not checked"));
        }
        List<Verdict> out = new ArrayList<>();
        for (InetAddress a : all) {
            String address = a.getHostAddress();
            try {
                out.add(judge(host, address, proto, port, tun, RouteLookup.get(address, proto, port)));
            } catch (IOException e) {
                out.add(Verdict.skip(name(), "route to " + address + " not known: " + e.getMessage()));
            }
        }
        return out;
    }

    static Verdict judge(String host, String address, String proto, int port, String tun, RouteLookup.Route r) {
        String what = "server " + address + " " + proto + "/" + port;
        if (tun.equals(r.dev())) {
            return Verdict.fail("route", what + " routes into " + tun + ": the tunnel would carry itself (a routing"
                    + " loop)", "start alknet-tun with --server " + host + " (or --exclude-uid for the user alknet"
                    + " connect runs as)");
        }
        if (r.blocked()) {
            return Verdict.fail("route", what + " has no way out (" + r.text() + ")", "start alknet-tun with --server "
                    + host + " so the kill switch lets the carrier through");
        }
        return Verdict.ok("route", what + " leaves via " + r.dev() + ", outside the tunnel");
    }
}
