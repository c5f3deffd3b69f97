package dev.alknet.server.dial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alknet.transport.proxy.ProxyConnect;
import io.netty.handler.proxy.ProxyConnectException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;

/** How an outbound proxy's answers become dial failures (and so SOCKS replies at the client). */
class ProxyDialErrorsTest {

    private static final OutboundProxy TOR = OutboundProxy.parse("socks5h://127.0.0.1:9050");

    private static ProxyConnect.Failure answer(String message) {
        return new ProxyConnect.Failure(false,
                new ProxyConnectException("socks5, none, /127.0.0.1:9050 => x:80, " + message));
    }

    private static DialFailure kind(Throwable t) {
        return ProxyDialErrors.classify(TOR, t).failure();
    }

    @Test
    void upstreamSocksRepliesPassThrough() throws Exception {
        assertEquals(DialFailure.CONNECTION_REFUSED, kind(answer("status: CONNECTION_REFUSED(5)")));
        assertEquals(DialFailure.HOST_UNREACHABLE, kind(answer("status: HOST_UNREACHABLE(4)")));
        assertEquals(DialFailure.NETWORK_UNREACHABLE, kind(answer("status: NETWORK_UNREACHABLE(3)")));
        assertEquals(DialFailure.FORBIDDEN, kind(answer("status: FORBIDDEN(2)")));
        assertEquals(DialFailure.TIMED_OUT, kind(answer("status: TTL_EXPIRED(6)")));
        assertEquals(DialFailure.OTHER, kind(answer("status: FAILURE(1)")));
        assertEquals(DialFailure.TIMED_OUT, kind(answer("timeout")));
    }

    @Test
    void httpStatusesAreMapped() throws Exception {
        assertEquals(DialFailure.FORBIDDEN, kind(answer("status: 403 Forbidden")));
        assertEquals(DialFailure.CONNECTION_REFUSED, kind(answer("status: 502 Bad Gateway")));
        assertEquals(DialFailure.CONNECTION_REFUSED, kind(answer("status: 503 Service Unavailable")));
        assertEquals(DialFailure.TIMED_OUT, kind(answer("status: 504 Gateway Timeout")));
        assertEquals(DialFailure.PROXY_DOWN, kind(answer("status: 407 Proxy Authentication Required")));
    }

    @Test
    void proxyItselfDownIsGeneralFailureText() throws Exception {
        DialException e = ProxyDialErrors.classify(TOR,
                new ProxyConnect.Failure(true, new ConnectException("Connection refused")));
        assertEquals(DialFailure.PROXY_DOWN, e.failure());
        assertTrue(e.reason().startsWith("outbound proxy unavailable: socks5h://127.0.0.1:9050"), e.reason());
        assertEquals(DialFailure.PROXY_DOWN, kind(answer("disconnected")));
    }

    @Test
    void parsesSchemes() {
        assertTrue(OutboundProxy.parse("socks5h://h:1").proxyResolves());
        assertTrue(OutboundProxy.parse("http://u:p@h:1").proxyResolves());
        assertEquals(false, OutboundProxy.parse("socks5://h:1").proxyResolves());
        assertEquals("socks5h://h:1", OutboundProxy.parse("socks5h://h:1").toString());
        String msg = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> OutboundProxy.parse("ftp://h:1")).getMessage();
        assertTrue(msg.contains("--outbound-proxy"), msg);
    }
}
