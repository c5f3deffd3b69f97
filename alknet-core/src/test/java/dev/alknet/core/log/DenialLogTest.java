package dev.alknet.core.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DenialLogTest {

    @Test
    void aFloodGetsABurstPerWindowAndOneLineForTheRest() {
        List<String> lines = new ArrayList<>();
        AtomicLong now = new AtomicLong(1_000);
        DenialLog log = new DenialLog((f, a) -> lines.add(f.contains(" more {} were not") ? "held " + a[0] + " " + a[1] : f),
                now::get, "policy denials");
        for (int i = 0; i < 10_000; i++) {
            log.denied("denied {}", i);
        }
        assertEquals(DenialLog.BURST, lines.size());
        now.addAndGet(TimeUnit.SECONDS.toNanos(DenialLog.WINDOW_SECONDS));
        log.denied("denied {}", -1);
        assertEquals(DenialLog.BURST + 2, lines.size());
        assertEquals("held " + (10_000 - DenialLog.BURST) + " policy denials", lines.get(DenialLog.BURST));
        assertEquals("denied {}", lines.get(DenialLog.BURST + 1));
    }
}
