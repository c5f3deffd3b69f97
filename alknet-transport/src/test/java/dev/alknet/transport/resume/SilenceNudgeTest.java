package dev.alknet.transport.resume;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SilenceNudgeTest {

    private static final long S = 1_000_000_000L;
    private static final long F = SilenceNudge.FIRST_NANOS;

    @Test
    void anIdleSessionIsNeverNudged() {
        SilenceNudge n = new SilenceNudge(0);
        for (long t = 0; t < 60 * S; t += S / 20) {
            assertFalse(n.due(t), "at " + t);
        }
    }

    @Test
    void silenceAfterDataGetsThreeNudgesBackingOff() {
        SilenceNudge n = new SilenceNudge(0);
        n.data(S);
        assertFalse(n.due(S + F - 1));
        assertTrue(n.due(S + F));
        assertFalse(n.due(S + F + 1), "once per step");
        assertFalse(n.due(S + 2 * F - 1));
        assertTrue(n.due(S + 2 * F));
        assertTrue(n.due(S + 4 * F));
        assertFalse(n.due(S + 9 * F), "three at most");
    }

    @Test
    void anythingHeardStartsOver() {
        SilenceNudge n = new SilenceNudge(0);
        n.data(0);
        assertTrue(n.due(F));
        assertTrue(n.due(2 * F));
        n.heard(3 * F); // an ACK: the path works
        assertFalse(n.due(3 * F + F - 1));
        assertTrue(n.due(4 * F));
    }

    @Test
    void dataLongAgoIsNoReason() {
        SilenceNudge n = new SilenceNudge(0);
        n.data(0);
        n.heard(SilenceNudge.RECENT_NANOS); // acks only since
        assertFalse(n.due(SilenceNudge.RECENT_NANOS + F + 1));
    }
}
