package dev.alknet.cli.doctor;

import java.util.List;

/** One diagnosis; a check that cannot run (nothing to look at) answers with a skip, never throws. */
public interface Check {

    /** Short name shown in the second column: tls, quic, udp, route, dns, ipv6, socks. */
    String name();

    List<Verdict> run();
}
