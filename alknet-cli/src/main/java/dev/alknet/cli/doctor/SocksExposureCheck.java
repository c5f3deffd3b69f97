package dev.alknet.cli.doctor;

import java.io.IOException;
import java.io.InputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Whether the SOCKS listener is open beyond loopback without a password, by asking it: from one of this host's own
 * non-loopback addresses (what a LAN neighbour reaches), a SOCKS5 greeting that offers only "no authentication". A
 * listener bound to loopback cannot be reached from elsewhere and is not probed.
 */
public final class SocksExposureCheck implements Check {

    private static final int MAX_PROBES = 4;
    private static final int TIMEOUT_MS = 2000;

    private final String host;
    private final int port;

    public SocksExposureCheck(String host, int port) {
        this.host = host;
        this.port = port;
    }

    @Override
    public String name() {
        return "socks";
    }

    @Override
    public List<Verdict> run() {
        String at = (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        InetAddress bound;
        try {
            bound = InetAddress.getByName(host);
        } catch (IOException e) {
            return List.of(Verdict.skip(name(), "cannot resolve the SOCKS address " + host));
        }
        if (bound.isLoopbackAddress()) {
            return List.of(Verdict.ok(name(), "SOCKS " + at + " is on loopback: only this host can use it"));
        }
        List<InetAddress> from = new ArrayList<>(List.of(bound));
        if (bound.isAnyLocalAddress()) {
            // [::] takes IPv4 as well (dual stack)
            from = outside(true);
            if (!(bound instanceof Inet4Address)) {
                from.addAll(outside(false));
            }
        }
        if (from.isEmpty()) {
            return List.of(Verdict.ok(name(), "SOCKS " + at + ": this host has no address beyond loopback"));
        }
        boolean listening = false;
        for (InetAddress a : from) {
            Answer answer = greet(a);
            listening |= answer != Answer.NOTHING;
            if (answer == Answer.OPEN) {
                return List.of(Verdict.fail(name(), "SOCKS " + at + " lets anyone who reaches " + a.getHostAddress()
                        + ":" + port + " in without a password", "bind it to loopback (--socks 127.0.0.1:" + port
                        + "), or set --socks-user and --socks-password-file (--socks-allow narrows who may try)"));
            }
        }
        if (!listening) {
            return List.of(Verdict.skip(name(), "nothing answers on SOCKS " + at + " ('alknet connect' not running?)"));
        }
        return List.of(Verdict.ok(name(), "SOCKS " + at + " is reachable beyond loopback but wants a password (or"
                + " closes on strangers)"));
    }

    enum Answer { OPEN, CLOSED, NOTHING }

    /** One greeting to {@code a}: chosen method 0 is OPEN; a refusal, other method or hang-up is CLOSED. */
    private Answer greet(InetAddress a) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(a, port), TIMEOUT_MS);
            s.setSoTimeout(TIMEOUT_MS);
            s.getOutputStream().write(new byte[] {5, 1, 0});
            InputStream in = s.getInputStream();
            int version = in.read();
            int method = in.read();
            return version == 5 && method == 0 ? Answer.OPEN : Answer.CLOSED;
        } catch (java.net.ConnectException | java.net.NoRouteToHostException e) {
            return Answer.NOTHING;
        } catch (IOException e) {
            return Answer.CLOSED;
        }
    }

    /**
     * Up to a few of this host's addresses beyond loopback and link-local, of one family; point-to-point links (a
     * TUN such as alknet-tun's) are left out, their addresses are not where a neighbour comes from.
     */
    static List<InetAddress> outside(boolean v4) {
        List<InetAddress> out = new ArrayList<>();
        try {
            for (NetworkInterface i : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!i.isUp() || i.isLoopback() || i.isPointToPoint()) {
                    continue;
                }
                for (InetAddress a : Collections.list(i.getInetAddresses())) {
                    if ((a instanceof Inet4Address) == v4 && !a.isLinkLocalAddress() && out.size() < MAX_PROBES) {
                        out.add(a);
                    }
                }
            }
        } catch (IOException e) {
            return out;
        }
        return out;
    }
}
