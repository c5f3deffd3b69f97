package dev.alknet.server.acme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class AcmeSettingsTest {

    private static AcmeSettings settings(List<String> domains, String email) {
        return new AcmeSettings(domains, email, AcmeSettings.LETS_ENCRYPT, Path.of("/tmp/acme"), false, null,
                AcmeSettings.Challenge.TLS_ALPN_01, null);
    }

    @Test
    void namesMustBeDnsNamesThatTheseChallengesCanProve() {
        assertEquals(List.of("www.example.com", "example.com"),
                settings(List.of("www.example.com", "example.com"), "ops@example.com").domains());
        for (String bad : new String[] {"*.example.com", "localhost", "-a.example.com", "a..example.com",
                "127.0.0.1", "exa mple.com"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> settings(List.of(bad), null), bad);
            assertTrue(e.getMessage().contains(bad), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> settings(List.of(), null));
        assertThrows(IllegalArgumentException.class, () -> settings(List.of("a.example.com"), "not-an-address"));
    }

    @Test
    void challengeTypesAndDefaults() {
        assertEquals(AcmeSettings.Challenge.HTTP_01, AcmeSettings.Challenge.parse("HTTP-01"));
        assertEquals(AcmeSettings.Challenge.TLS_ALPN_01, AcmeSettings.Challenge.parse("tls-alpn-01"));
        assertThrows(IllegalArgumentException.class, () -> AcmeSettings.Challenge.parse("dns-01"));
        assertEquals(Duration.ofMinutes(1), settings(List.of("a.example.com"), null).retry());
    }
}
