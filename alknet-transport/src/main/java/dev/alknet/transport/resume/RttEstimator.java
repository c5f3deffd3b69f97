package dev.alknet.transport.resume;

/**
 * The round-trip time of a resumable stream's carrier, measured from its own DATA and ACK records (RFC 6298's
 * smoothed mean and variation, one timed byte count at a time), and the silence after which a carrier with bytes
 * outstanding is taken for dead: {@code max(floor, 2 x (srtt + 4 x rttvar))} (two of TCP's retransmission
 * time-outs), at most {@code ceiling}. ACK records travel behind the peer's own DATA, so on a busy carrier a sample
 * includes that queue, and the variance term grows with it. The timer
 * runs only while bytes are outstanding without progress, so a slow link whose ACKs keep coming is never dropped,
 * however deep its queue. Not thread-safe: the stream serialises calls.
 */
final class RttEstimator {

    private final long floorNanos;
    private final long ceilingNanos;
    private long srtt = -1;
    private long rttvar;
    private long timedCount = -1;
    private long timedAt;

    RttEstimator(long floorNanos, long ceilingNanos) {
        this.floorNanos = floorNanos;
        this.ceilingNanos = Math.max(floorNanos, ceilingNanos);
    }

    /** Bytes up to {@code count} went out at {@code now}: timed if nothing else is being timed. */
    void sent(long count, long now) {
        if (timedCount < 0) {
            timedCount = count;
            timedAt = now;
        }
    }

    /** The peer acknowledged {@code count} at {@code now}. */
    void acked(long count, long now) {
        if (timedCount >= 0 && count >= timedCount) {
            sample(now - timedAt);
            timedCount = -1;
        }
    }

    /** A new carrier: what was being timed was replayed, and its time says nothing (Karn's rule). */
    void carrierChanged() {
        timedCount = -1;
    }

    private void sample(long r) {
        if (srtt < 0) {
            srtt = r;
            rttvar = r / 2;
        } else {
            rttvar = (3 * rttvar + Math.abs(srtt - r)) / 4;
            srtt = (7 * srtt + r) / 8;
        }
    }

    /** Smoothed round trip in nanoseconds, or -1 before the first sample. */
    long srttNanos() {
        return srtt;
    }

    /** Silence with bytes outstanding after which the carrier is dead. */
    long deadAfterNanos() {
        if (srtt < 0) {
            return ceilingNanos; // nothing measured yet (a first carrier still busy with its handshake)
        }
        long bound = 2 * (srtt + 4 * rttvar);
        return Math.min(ceilingNanos, Math.max(floorNanos, bound));
    }
}
