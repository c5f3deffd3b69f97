package dev.alknet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alknet.core.config.ServerAddress;
import dev.alknet.transport.stealth.StealthKey;
import org.junit.jupiter.api.Test;

class ShareLinkTest {

    private final StealthKey key = StealthKey.random();

    @Test
    void roundTripsWithPinAndHostKey() {
        ShareLink link = new ShareLink(new ServerAddress("tls", "alknet", "::1", 8443), key,
                "sha256/jM0I43NMaHDAXXCkv1ejTCuG9CkCKj5Jd5w1M1fj98g=", "SHA256:y4gC+IsFsb0HUhBO0ZENhuZcruF2NoZ9QM99uQCSgkY");
        String text = link.format();
        assertTrue(text.startsWith("alknet://tls/[::1]:8443?key=" + key.text() + "&pin=sha256%2F"), text);
        assertEquals(link, ShareLink.parse(text));
    }

    @Test
    void tcpLinksCarryNoPinAndUsersSurvive() {
        ShareLink link = new ShareLink(new ServerAddress("tcp", "bob", "vps.example.com", 2222), key, "sha256/x", null);
        ShareLink back = ShareLink.parse(link.format());
        assertEquals("bob", back.server().user());
        assertNull(back.pin());
        assertEquals(key, back.key());
    }

    @Test
    void wssLinksKeepTheirPathAndPin() {
        ShareLink link = new ShareLink(new ServerAddress("wss", "alknet", "example.com", 443, "/assets/socket"), key,
                "sha256/jM0I43NMaHDAXXCkv1ejTCuG9CkCKj5Jd5w1M1fj98g=", null);
        String text = link.format();
        assertTrue(text.startsWith("alknet://wss/example.com:443/assets/socket?key=" + key.text() + "&pin="), text);
        ShareLink back = ShareLink.parse(text);
        assertEquals(link, back);
        assertEquals("/assets/socket", back.server().path());
        ShareLink ws = new ShareLink(new ServerAddress("ws", "alknet", "h", 80, "/s"), key, "sha256/x", null);
        assertNull(ShareLink.parse(ws.format()).pin(), "ws has no TLS to pin");
    }

    @Test
    void mistakesAreOneLineErrors() {
        assertThrows(IllegalArgumentException.class, () -> ShareLink.parse("alknet://tls/host:443"));
        assertThrows(IllegalArgumentException.class, () -> ShareLink.parse("alknet://host:443?key=" + key.text()));
        assertThrows(IllegalArgumentException.class, () -> ShareLink.parse("alknet://udp/host:443?key=" + key.text()));
        assertThrows(IllegalArgumentException.class, () -> ShareLink.parse("alknet://tls/host?key=abc"));
        assertThrows(IllegalArgumentException.class, () -> ShareLink.parse("alknet://tls/host?key=" + key.text() + "&x=1"));
    }
}
