package dev.alknet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class AutoPickTest {

    @Test
    void onlyASingleAddressWithoutSchemeIsPicked() {
        assertTrue(AutoPick.applies(List.of("box.example")));
        assertFalse(AutoPick.applies(List.of("tls://box.example")));
        assertFalse(AutoPick.applies(List.of("alknet://tls/box.example:443?key=x")));
        assertFalse(AutoPick.applies(List.of("a.example", "b.example")));
    }

    @Test
    void candidatesInPreferenceOrderKeepTheGivenPortOrTheDefaults() {
        assertEquals(List.of("quic://u@box.example:8443", "tls://u@box.example:8443", "tcp://u@box.example:8443"),
                AutoPick.candidates("u@box.example:8443"));
        List<Integer> ports = AutoPick.candidates("box.example").stream()
                .map(s -> dev.alknet.core.config.ServerAddress.parse(s, false).port()).toList();
        assertEquals(List.of(443, 443, 22), ports);
        assertThrows(IllegalArgumentException.class, () -> AutoPick.candidates("box.example/path"));
    }
}
