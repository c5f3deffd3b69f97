package dev.alknet.transport.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ViaProxyTest {

    @Test
    void parsesSocks5AndHttp() {
        ViaProxy s = ViaProxy.parse("socks5://proxy.example:1080");
        assertEquals(new ViaProxy(ViaProxy.Kind.SOCKS5, "proxy.example", 1080, null, null), s);
        ViaProxy h = ViaProxy.parse("HTTP://us%40r:p%3Ass@10.0.0.1:3128/");
        assertEquals(ViaProxy.Kind.HTTP, h.kind());
        assertEquals("us@r", h.username());
        assertEquals("p:ss", h.password());
        assertEquals("http://us@r@10.0.0.1:3128", h.toString());
        ViaProxy v6 = ViaProxy.parse("socks5h://[2001:db8::1]:9050");
        assertEquals("2001:db8::1", v6.host());
        assertEquals("socks5://[2001:db8::1]:9050", v6.toString());
        assertNull(v6.username());
        assertEquals("pä", ViaProxy.parse("socks5://u:p%C3%A4@h:1").password());
    }

    private static String error(String url) {
        return assertThrows(IllegalArgumentException.class, () -> ViaProxy.parse(url)).getMessage();
    }

    @Test
    void mistakesAreOneLineAndNeverShowThePassword() {
        assertTrue(error("proxy:1080").contains("missing scheme"));
        assertTrue(error("https://p:1").contains("unsupported proxy scheme 'https'"));
        assertTrue(error("socks4://p:1").contains("unsupported proxy scheme 'socks4'"));
        assertTrue(error("socks5://p").contains("missing port"));
        assertTrue(error("socks5://:1080").contains("missing host"));
        assertTrue(error("socks5://p:abc").contains("bad port 'abc'"));
        assertTrue(error("socks5://p:70000").contains("out of range"));
        assertTrue(error("socks5://p:0").contains("out of range"));
        assertTrue(error("socks5://2001:db8::1:1080").contains("brackets"));
        assertTrue(error("http://p:1/path").contains("no path"));
        assertTrue(error("http://user@p:1").contains("user:password"));
        assertTrue(error("http://u:p%zz@p:1").contains("percent"));
        assertTrue(error("").contains("expected socks5://"));
        String withSecret = error("ftp://u:hunter2@p:1");
        assertFalse(withSecret.contains("hunter2"), withSecret);
        for (String m : new String[] {error("socks5://p"), withSecret}) {
            assertFalse(m.contains("\n"));
            assertTrue(m.contains("(expected socks5://[user:pass@]host:port or http://[user:pass@]host:port)"));
        }
    }
}
