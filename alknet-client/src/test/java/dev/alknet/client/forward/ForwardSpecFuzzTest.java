package dev.alknet.client.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * -L/-R specs as users type them: parsed, or rejected with ForwardSpecException (one line naming the bad
 * part). A parsed spec printed and parsed again is the same spec.
 */
class ForwardSpecFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void anyText(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        ForwardSpec spec;
        try {
            spec = ForwardSpec.parse(text);
        } catch (ForwardSpecException expected) {
            return;
        }
        assertEquals(spec, ForwardSpec.parse(spec.toString()), "round trip of '" + text + "'");
    }
}
