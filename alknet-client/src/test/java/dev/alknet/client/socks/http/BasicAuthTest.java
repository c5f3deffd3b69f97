package dev.alknet.client.socks.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alknet.client.socks.auth.SocksCredentials;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class BasicAuthTest {

    private static final SocksCredentials CREDS = SocksCredentials.of("alk", "pa:ss".getBytes(StandardCharsets.UTF_8));

    private static String basic(String userColonPassword) {
        return "Basic " + Base64.getEncoder().encodeToString(userColonPassword.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theRightPairMatchesAndThePasswordMayContainAColon() {
        assertTrue(BasicAuth.matches(basic("alk:pa:ss"), CREDS));
        assertTrue(BasicAuth.matches("basic   " + basic("alk:pa:ss").substring(6), CREDS));
    }

    @Test
    void anythingElseDoesNot() {
        assertFalse(BasicAuth.matches(null, CREDS));
        assertFalse(BasicAuth.matches(basic("alk:pa:sS"), CREDS));
        assertFalse(BasicAuth.matches(basic("alk:pa"), CREDS));
        assertFalse(BasicAuth.matches(basic("al:kpa:ss"), CREDS));
        assertFalse(BasicAuth.matches(basic("alkpa"), CREDS));
        assertFalse(BasicAuth.matches("Bearer " + basic("alk:pa:ss").substring(6), CREDS));
        assertFalse(BasicAuth.matches("Basic !!!", CREDS));
        assertFalse(BasicAuth.matches("Basic", CREDS));
    }
}
