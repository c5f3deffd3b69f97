package dev.alknet.transport.resume;

/**
 * When to send a duplicate ACK because a peer that was sending data fell silent. The silence may be a path that moved
 * under us (a NAT that lost its mapping, a client address change): only a packet from this end re-opens the mapping,
 * or lets a QUIC server validate and follow the new address, while the peer's own retransmissions back off
 * exponentially towards a path that is gone (5 s of lost data after a rebinding, before this). A duplicate ACK
 * changes nothing at the peer (any version of it), so it is safe to send on suspicion.
 *
 * <p>Nudges come {@link #FIRST_NANOS}, 2x and 4x that after the last byte heard, and only while data arrived in
 * the last {@link #RECENT_NANOS}: an idle session sends nothing. Not thread-safe: used under the stream's monitor.
 */
final class SilenceNudge {

    static final long FIRST_NANOS = Long.getLong("alknet.resume.nudgeAfterMs", 1000) * 1_000_000;
    static final long RECENT_NANOS = 10_000_000_000L;
    static final int MAX_NUDGES = 3;

    private long lastHeard;
    private long lastData = Long.MIN_VALUE;
    private int nudges;

    SilenceNudge(long now) {
        lastHeard = now;
    }

    /** Anything arrived from the peer. */
    void heard(long now) {
        lastHeard = now;
        nudges = 0;
    }

    /** Payload arrived from the peer (it was sending). */
    void data(long now) {
        heard(now);
        lastData = now;
    }

    /** Whether a nudge is due now; if so, it counts as sent. */
    boolean due(long now) {
        if (nudges >= MAX_NUDGES || lastData == Long.MIN_VALUE || now - lastData > RECENT_NANOS) {
            return false;
        }
        if (now - lastHeard < FIRST_NANOS << nudges) {
            return false;
        }
        nudges++;
        return true;
    }
}
