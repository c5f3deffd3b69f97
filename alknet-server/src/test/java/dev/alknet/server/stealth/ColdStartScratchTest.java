package dev.alknet.server.stealth;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ColdStartScratchTest {
    @Test
    void firstRequests() throws Exception {
        try (StealthServer s = StealthServer.start(StealthOptions.compatible(Duration.ofSeconds(2),
                ProbeSet.site(java.nio.file.Files.createTempDirectory("x")), null), "tcp")) {
            for (int i = 0; i < 3; i++) {
                long t0 = System.nanoTime();
                Probe.Result r = Probe.tcp(s.port("tcp"), Probe.ascii("GET / HTTP/1.0\r\n\r\n"), Duration.ofSeconds(5));
                System.out.println("RESULT " + i + " " + (System.nanoTime() - t0) / 1000000 + " ms " + r.shape());
            }
        }
    }
}
