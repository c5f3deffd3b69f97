package dev.alknet.core.fuzz;

import java.nio.charset.StandardCharsets;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.alknet.core.config.HostPort;
import dev.alknet.core.config.ServerAddress;

/**
 * Addresses as users type them: the parser either returns a usable address or throws
 * IllegalArgumentException (shown as one line); anything else would be a stack trace. A parsed address
 * printed and parsed again must be the same address.
 */
class AddressFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void serverAddress(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        for (boolean listening : new boolean[] {false, true}) {
            ServerAddress a;
            try {
                a = ServerAddress.parse(text, listening);
            } catch (IllegalArgumentException expected) {
                continue;
            }
            assertTrue(a.port() >= 0 && a.port() <= 65535, () -> "port out of range: " + a);
            if (!listening) {
                assertEquals(a, ServerAddress.parse(a.toString(), false), "round trip of " + a);
            }
            a.endpoint();
        }
    }

    @FuzzTest(maxDuration = "60s")
    void hostPort(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        HostPort hp;
        try {
            hp = HostPort.parse(text, -1, true, text);
        } catch (IllegalArgumentException expected) {
            return;
        }
        assertTrue(hp.port() >= 0 && hp.port() <= 65535, () -> "port out of range: " + hp);
    }
}
