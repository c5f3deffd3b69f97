package dev.alknet.transport.tls;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.Test;

/** The ALPN offer read from real ClientHellos (the JDK's), as {@link AlpnOfferGate} sees them. */
class AlpnOfferGateTest {

    private static final AlpnOfferGate WEB = new AlpnOfferGate(Set.of("http/1.1"));
    private static final AlpnOfferGate OPTED_IN = new AlpnOfferGate(Set.of("alknet-ssh", "http/1.1"));

    @Test
    void anOfferWithOneOfOursPassesAnyOtherIsRefused() throws Exception {
        assertTrue(WEB.acceptable(hello("http/1.1")));
        assertTrue(WEB.acceptable(hello("h2", "http/1.1")));
        assertFalse(WEB.acceptable(hello("h2")));
        assertFalse(WEB.acceptable(hello("alknet-ssh")), "without the opt-in alknet-ssh is an unknown protocol");
        assertTrue(OPTED_IN.acceptable(hello("alknet-ssh")));
        assertFalse(OPTED_IN.acceptable(hello("spdy/3", "foo")));
    }

    @Test
    void noAlpnOrAMalformedHelloGoesOnToTheEngine() throws Exception {
        assertTrue(WEB.acceptable(hello()));
        ByteBuf truncated = hello("h2");
        truncated.writerIndex(truncated.readerIndex() + 40);
        assertTrue(WEB.acceptable(truncated), "the engine refuses what it cannot parse, as OpenSSL would");
    }

    /** The body of a ClientHello (from its version on) offering {@code alpn}, none if empty. */
    private static ByteBuf hello(String... alpn) throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, null, null);
        SSLEngine e = ctx.createSSLEngine("localhost", 443);
        e.setUseClientMode(true);
        SSLParameters p = e.getSSLParameters();
        p.setApplicationProtocols(alpn);
        e.setSSLParameters(p);
        ByteBuffer out = ByteBuffer.allocate(e.getSession().getPacketBufferSize());
        e.wrap(ByteBuffer.allocate(0), out);
        out.flip();
        ByteBuf record = Unpooled.wrappedBuffer(out);
        int length = record.getUnsignedMedium(5 + 1);
        return record.slice(5 + 4, length);
    }
}
