package dev.alknet.tun;

import java.util.concurrent.atomic.LongAdder;

/** Counters, printed on exit with -v. */
final class Stats {
    final LongAdder tcpFlows = new LongAdder();
    final LongAdder tcpRefused = new LongAdder();
    final LongAdder dnsAnswers = new LongAdder();
    final LongAdder udpRefused = new LongAdder();
    final LongAdder udpDatagrams = new LongAdder();
    final LongAdder dropped = new LongAdder();
    /** Connections to the kernel listener that are not a rewritten flow (a local process trying to take one). */
    final LongAdder strangers = new LongAdder();
    final LongAdder packetsIn = new LongAdder();
    final LongAdder bytesIn = new LongAdder();

    String line() {
        return "tcp flows " + tcpFlows.sum() + " (" + tcpRefused.sum() + " refused), dns answers " + dnsAnswers.sum()
                + ", udp datagrams " + udpDatagrams.sum()
                + ", udp refused " + udpRefused.sum() + " (ICMP unreachable), dropped " + dropped.sum()
                + ", strangers refused " + strangers.sum() + ", packets "
                + packetsIn.sum() + " (" + bytesIn.sum() / Math.max(1, packetsIn.sum()) + " bytes on average)";
    }
}
