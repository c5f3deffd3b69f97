package dev.alknet.cli.doctor;

import java.util.ArrayList;
import java.util.List;

/**
 * Whether UDP gets through, from the dials already made: a quic server that does not answer while a TCP transport to
 * the same host does is the signature of a network that blocks UDP (the most common QUIC failure). Without a TCP
 * dial to compare with, a silent quic server is not blamed on UDP.
 */
public final class UdpCheck implements Check {

    private final List<Dial> dials;

    public UdpCheck(List<Dial> dials) {
        this.dials = dials;
    }

    @Override
    public String name() {
        return "udp";
    }

    @Override
    public List<Verdict> run() {
        List<Verdict> out = new ArrayList<>();
        for (Dial q : dials) {
            if (q.overTcp()) {
                continue;
            }
            String port = String.valueOf(q.options().server().port());
            if (q.reached()) {
                out.add(Verdict.ok(name(), "UDP to " + q.hostPort() + " gets through (quic answered)"));
                continue;
            }
            Dial tcp = dials.stream().filter(d -> d.overTcp() && d.reached() && d.host().equals(q.host()))
                    .findFirst().orElse(null);
            if (tcp != null) {
                out.add(Verdict.fail(name(), "UDP to " + q.hostPort() + " is blocked: quic gets no answer where "
                        + tcp.scheme() + " to the same host works", "use " + tcp.options().server()
                        + " (TCP), or open UDP port " + port + " on the way"));
            } else if (dials.stream().anyMatch(d -> d.overTcp() && d.host().equals(q.host()))) {
                out.add(Verdict.skip(name(), "cannot tell whether UDP to " + q.hostPort() + " is blocked: TCP to "
                        + q.host() + " fails too"));
            } else {
                out.add(Verdict.skip(name(), "cannot tell whether UDP to " + q.hostPort() + " is blocked: no tls:// or"
                        + " tcp:// dial to " + q.host() + " to compare with (add one, e.g. tls://" + q.host() + ")"));
            }
        }
        if (out.isEmpty()) {
            out.add(Verdict.skip(name(), "no quic:// server given, UDP not tried"));
        }
        return out;
    }
}
