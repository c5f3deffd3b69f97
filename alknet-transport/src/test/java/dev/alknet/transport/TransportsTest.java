package dev.alknet.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.alknet.transport.quic.QuicTransport;
import dev.alknet.transport.tcp.TcpTransport;
import dev.alknet.transport.tls.TlsTransport;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TransportsTest {

    @Test
    void createsEachSchemeWithItsDefaultPort() {
        TransportSettings s = TransportSettings.defaults();
        assertInstanceOf(TcpTransport.class, Transports.create("tcp", s));
        assertInstanceOf(TlsTransport.class, Transports.create("tls", s));
        assertInstanceOf(QuicTransport.class, Transports.create("QUIC", s));
        assertEquals(22, Transports.defaultPort("tcp"));
        assertEquals(443, Transports.defaultPort("tls"));
        assertEquals(443, Transports.defaultPort("quic"));
        for (String scheme : new String[] {"tcp", "tls", "quic", "ws", "wss"}) {
            Transport t = Transports.create(scheme, s);
            assertEquals(scheme, t.scheme());
            assertEquals(Transports.defaultPort(scheme), t.defaultPort());
        }
    }

    @Test
    void unknownSchemeIsAClearError() {
        assertEquals("unknown transport 'sctp' (expected tcp, tls, quic, ws or wss)",
                assertThrows(IllegalArgumentException.class, () -> Transports.create("sctp", TransportSettings.defaults()))
                        .getMessage());
        assertThrows(IllegalArgumentException.class, () -> Transports.defaultPort("x"));
    }

    @Test
    void settingsValidate() {
        assertThrows(IllegalArgumentException.class,
                () -> TransportSettings.builder().connectTimeout(Duration.ZERO).build());
        assertThrows(IllegalArgumentException.class, () -> TransportSettings.builder()
                .quicIdleTimeout(Duration.ofSeconds(10)).quicKeepAlive(Duration.ofSeconds(10)).build());
        TransportSettings s = TransportSettings.defaults();
        assertEquals(Duration.ofSeconds(10), s.connectTimeout());
        assertEquals(s, s.toBuilder().build());
    }

    @Test
    void unknownHostsAreOneLineForEveryTransportAndForTheProxy() throws Exception {
        for (String scheme : new String[] {"tcp", "tls", "quic", "ws", "wss"}) {
            Endpoint e = new Endpoint(scheme, "nonexistent.invalid", 1);
            var ex = assertThrows(java.util.concurrent.ExecutionException.class,
                    () -> Transports.create(scheme, TransportSettings.defaults()).connect(e).get(10, TimeUnit.SECONDS));
            assertEquals(e + ": unknown host nonexistent.invalid", ex.getCause().getMessage());
        }
        Endpoint e = new Endpoint("tcp", "127.0.0.1", 1);
        TransportSettings via = TransportSettings.builder()
                .via(dev.alknet.transport.proxy.ViaProxy.parse("socks5://nonexistent.invalid:1080")).build();
        var ex = assertThrows(java.util.concurrent.ExecutionException.class,
                () -> Transports.create("tcp", via).connect(e).get(10, TimeUnit.SECONDS));
        assertEquals(e + ": proxy socks5://nonexistent.invalid:1080: unknown host nonexistent.invalid",
                ex.getCause().getMessage());
    }

    @Test
    void listenerWithoutCertificateIsAClearError() {
        var e = assertThrows(TransportException.class, () -> Transports.create("tls", TransportSettings.defaults())
                .listen(new Endpoint("tls", "127.0.0.1", 0), ch -> { }));
        assertEquals("a tls/quic listener needs a certificate: give --tls-cert and --tls-key, or a directory for a "
                + "self-signed one", e.getMessage());
    }
}
