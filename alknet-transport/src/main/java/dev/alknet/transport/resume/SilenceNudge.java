package dev.alknet.transport.resume;

/**
 * When to send a duplicate ACK because a peer that was sending data fell silent. The silence may be a path that moved
 * under us (a NAT that lost its mapping, a client address change): only a packet from this end re-opens the mapping,
 * or lets a QUIC server validate and follow the new address, while the peer's own retransmissions back off
 * exponentially towards a path that is gone (5 s of lost data after a rebinding, before this). A duplicate ACK
 * changes nothing at the peer (any version of it), so it is safe to send on suspicion.
 *
 * <p>Nudges come {@link #FIRST_NANOS}, 2x and 4x that after the last byte heard, and only while data arrived in
 * the last {@link #RECENT_NANOS}: an idle session sends nothing. The stream keeps the times (the read path only
 * writes them); this keeps the count. Not thread-safe: used under the stream's monitor, from the carrier's ticker.
 */
final class SilenceNudge {

    static final long FIRST_NANOS = Long.getLong("alknet.resume.nudgeAfterMs", 1000) * 1_000_000;
    static final long RECENT_NANOS = 10_000_000_000L;
    static final int MAX_NUDGES = 3;
    /** No data yet. */
    static final long NEVER = Long.MIN_VALUE;

    /** The silence the count is for: the last-heard time it began at. */
    private long silenceFrom = NEVER;
    private int nudges;

    /**
     * Whether a nudge is due now; if so, it counts as sent.
     *
     * @param lastHeard when anything last arrived from the peer
     * @param lastData  when payload last arrived (the peer was sending), or {@link #NEVER}
     */
    boolean due(long now, long lastHeard, long lastData) {
        if (lastHeard != silenceFrom) { // heard since: a new silence, if any
            silenceFrom = lastHeard;
            nudges = 0;
        }
        if (nudges >= MAX_NUDGES || lastData == NEVER || now - lastData > RECENT_NANOS) {
            return false;
        }
        if (now - lastHeard < FIRST_NANOS << nudges) {
            return false;
        }
        nudges++;
        return true;
    }
}
