package dev.alknet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alknet.core.config.ServerAddress;
import dev.alknet.transport.stealth.StealthKey;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShareLinksTest {

    private final StealthKey key = StealthKey.random();
    private static final String PIN = "sha256/jM0I43NMaHDAXXCkv1ejTCuG9CkCKj5Jd5w1M1fj98g=";
    private static final String HOST_KEY = "SHA256:y4gC+IsFsb0HUhBO0ZENhuZcruF2NoZ9QM99uQCSgkY";

    @Test
    void severalTransportsInPreferenceOrderWithThePinOnTheTlsOnes() {
        List<ShareLink> links = ShareLinks.parse("alknet://bob@box.example?transports=tcp:2222,tls,wss:8443/s/x,quic:443"
                + "&pin=" + PIN.replace("/", "%2F") + "&hostkey=" + HOST_KEY.replace("+", "%2B"));
        assertEquals(List.of("quic://bob@box.example:443", "tls://bob@box.example:443",
                "wss://bob@box.example:8443/s/x", "tcp://bob@box.example:2222"),
                links.stream().map(l -> l.server().toString()).toList());
        assertEquals(PIN, links.get(0).pin());
        assertEquals(PIN, links.get(2).pin());
        assertNull(links.get(3).pin(), "tcp has no TLS to pin");
        links.forEach(l -> assertEquals(HOST_KEY, l.hostKey()));
        links.forEach(l -> assertNull(l.key(), "no key: the server is not in strict stealth"));
    }

    @Test
    void formatRoundTripsWithKeyAndIpv6() {
        List<ServerAddress> servers = List.of(new ServerAddress("quic", "alknet", "::1", 8443),
                new ServerAddress("tls", "alknet", "::1", 8443), new ServerAddress("tcp", "alknet", "::1", 2222));
        String text = ShareLinks.format(servers, key, PIN, HOST_KEY);
        assertTrue(text.startsWith("alknet://[::1]?transports=quic:8443,tls:8443,tcp:2222&key=" + key.text()), text);
        List<ShareLink> back = ShareLinks.parse(text);
        assertEquals(servers, back.stream().map(ShareLink::server).toList());
        assertEquals(key, back.get(0).key());
        assertEquals(PIN, back.get(1).pin());
    }

    @Test
    void theSingleTransportFormIsReadAsBefore() {
        ShareLink one = new ShareLink(new ServerAddress("tls", "alknet", "h.example", 443), key, PIN, null);
        assertEquals(List.of(one), ShareLinks.parse(one.format()));
    }

    @Test
    void badStringsAreRefusedWithTheReason() {
        refused("alknet://?transports=tls", "no host");
        refused("alknet://box.example", "no transports= list");
        refused("alknet://box.example?transports=", "no transports= list");
        refused("alknet://box.example:443?transports=tls", "the port goes with each transport");
        refused("alknet://box.example?transports=tls,udp:53", "unknown transport 'udp:53'");
        refused("alknet://box.example?transports=tls,tls:8443", "transport tls listed twice");
        refused("alknet://box.example?transports=tls:http", "bad port");
        refused("alknet://box.example?transports=tls:99999", "tls:99999");
        refused("alknet://box.example?transports=tls/path", "only ws and wss addresses take a path");
        refused("alknet://box.example?transports=tls,", "unknown transport ''");
        refused("alknet://box.example?transports=tls&x=1", "unknown parameter 'x'");
        refused("alknet://box.example?transports=tls&pin=a&pin=b", "'pin' given twice");
        refused("alknet://box.example?transports=tls&hostkey=MD5:xx", "SHA256:");
        assertThrows(IllegalArgumentException.class,
                () -> ShareLinks.parse("alknet://box.example?transports=tls&key=short"));
        refused("alknet://tls/box.example:443", "has no key="); // the single-transport form still needs its key
    }

    private static void refused(String text, String reason) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ShareLinks.parse(text), text);
        assertTrue(e.getMessage().contains(reason), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), "one line");
    }
}
