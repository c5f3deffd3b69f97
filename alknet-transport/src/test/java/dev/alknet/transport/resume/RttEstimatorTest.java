package dev.alknet.transport.resume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The dead-carrier bound follows the measured round trip, within its floor and ceiling. */
class RttEstimatorTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    @Test
    void beforeAnyMeasurementTheCeilingHolds() {
        assertEquals(20_000 * MS, new RttEstimator(3000 * MS, 20_000 * MS).deadAfterNanos());
    }

    @Test
    void aFastPathGetsTheFloor() {
        RttEstimator r = new RttEstimator(3000 * MS, 20_000 * MS);
        long t = 0;
        for (int i = 0; i < 10; i++) {
            r.sent(100L * (i + 1), t);
            t += MS;
            r.acked(100L * (i + 1), t);
        }
        assertEquals(MS, r.srttNanos());
        assertEquals(3000 * MS, r.deadAfterNanos());
    }

    @Test
    void aSlowJitteryPathGetsMoreThanTheFloorAndNeverMoreThanTheCeiling() {
        RttEstimator r = new RttEstimator(3000 * MS, 20_000 * MS);
        long t = 0;
        for (int i = 0; i < 20; i++) {
            r.sent(i + 1, t);
            t += (i % 2 == 0 ? 400 : 900) * MS; // a satellite link with a queue
            r.acked(i + 1, t);
        }
        long bound = r.deadAfterNanos();
        assertTrue(bound > 3000 * MS && bound <= 20_000 * MS, "bound " + bound / MS + " ms");
        RttEstimator worse = new RttEstimator(3000 * MS, 20_000 * MS);
        worse.sent(1, 0);
        worse.acked(1, 30_000 * MS);
        assertEquals(20_000 * MS, worse.deadAfterNanos());
    }

    @Test
    void onlyOneCountIsTimedAndAReplayIsNotMeasured() {
        RttEstimator r = new RttEstimator(3000 * MS, 20_000 * MS);
        r.sent(100, 0);
        r.sent(200, 50 * MS); // not timed: 100 is
        r.carrierChanged();   // 100 will be replayed on a new carrier: its ack says nothing of this one
        r.acked(200, 5000 * MS);
        assertEquals(-1, r.srttNanos());
        r.sent(300, 6000 * MS);
        r.acked(300, 6010 * MS);
        assertEquals(10 * MS, r.srttNanos());
    }
}
