package dev.alknet.transport.resume;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SilenceNudgeTest {

    private static final long S = 1_000_000_000L;
    private static final long F = SilenceNudge.FIRST_NANOS;

    private final SilenceNudge n = new SilenceNudge();
    private long lastHeard;
    private long lastData = SilenceNudge.NEVER;

    private void heard(long t) {
        lastHeard = t;
    }

    private void data(long t) {
        lastHeard = t;
        lastData = t;
    }

    private boolean due(long t) {
        return n.due(t, lastHeard, lastData);
    }

    @Test
    void anIdleSessionIsNeverNudged() {
        for (long t = 0; t < 60 * S; t += S / 20) {
            assertFalse(due(t), "at " + t);
        }
    }

    @Test
    void silenceAfterDataGetsThreeNudgesBackingOff() {
        data(S);
        assertFalse(due(S + F - 1));
        assertTrue(due(S + F));
        assertFalse(due(S + F + 1), "once per step");
        assertFalse(due(S + 2 * F - 1));
        assertTrue(due(S + 2 * F));
        assertTrue(due(S + 4 * F));
        assertFalse(due(S + 9 * F), "three at most");
    }

    @Test
    void anythingHeardStartsOver() {
        data(0);
        assertTrue(due(F));
        assertTrue(due(2 * F));
        heard(3 * F); // an ACK: the path works
        assertFalse(due(3 * F + F - 1));
        assertTrue(due(4 * F));
    }

    @Test
    void dataLongAgoIsNoReason() {
        data(0);
        heard(SilenceNudge.RECENT_NANOS); // acks only since
        assertFalse(due(SilenceNudge.RECENT_NANOS + F + 1));
    }
}
