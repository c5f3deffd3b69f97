package dev.alknet.client.socks.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What of a connection's bytes the decoder lets through to the origin. */
class HttpHeadDecoderTest {

    private static final String SECOND = "GET http://b.test/y HTTP/1.1\r\nHost: b.test\r\n"
            + "Proxy-Authorization: Basic c2VjcmV0\r\n\r\n";

    /** The head (or refusal) the decoder emits, then the bytes it passes, as text. */
    private static String[] decode(String... writes) {
        EmbeddedChannel ch = new EmbeddedChannel(new HttpHeadDecoder());
        for (String w : writes) {
            ch.writeInbound(Unpooled.copiedBuffer(w, StandardCharsets.ISO_8859_1));
        }
        Object first = ch.readInbound();
        StringBuilder passed = new StringBuilder();
        Object o;
        while ((o = ch.readInbound()) != null) {
            passed.append(((ByteBuf) o).toString(StandardCharsets.ISO_8859_1));
            ((ByteBuf) o).release();
        }
        ch.finishAndReleaseAll();
        String head = first instanceof HttpHead h ? h.method() + " " + h.target()
                : first instanceof HttpProxyException e ? e.status() + " " + e.getMessage() : String.valueOf(first);
        return new String[] {head, passed.toString()};
    }

    @Test
    void aSecondRequestBehindOneWithoutBodyIsDropped() {
        String[] r = decode("GET http://a.test/x HTTP/1.1\r\nHost: a.test\r\n\r\n" + SECOND);
        assertEquals("GET http://a.test/x", r[0]);
        assertEquals("", r[1]);
    }

    @Test
    void onlyTheContentLengthBodyPasses() {
        String[] r = decode("POST http://a.test/x HTTP/1.1\r\nContent-Length: 4\r\n\r\nbo", "dy" + SECOND, SECOND);
        assertEquals("body", r[1]);
    }

    @Test
    void onlyTheChunkedBodyPassesReEncoded() {
        String[] r = decode("POST http://a.test/x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n4;x=y\r\nbody\r\n",
                "0\r\n\r\n" + SECOND);
        assertEquals("4\r\nbody\r\n0\r\n\r\n", r[1]);
    }

    @Test
    void aTunnelPassesEverything() {
        String[] r = decode("CONNECT a.test:443 HTTP/1.1\r\n\r\n" + SECOND);
        assertEquals("CONNECT a.test:443", r[0]);
        assertEquals(SECOND, r[1]);
    }

    @Test
    void contentLengthWithTransferEncodingIsRefusedAndNothingPasses() {
        String[] r = decode("POST http://a.test/x HTTP/1.1\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "0\r\n\r\n" + SECOND);
        assertEquals("400 both Transfer-Encoding and Content-Length", r[0]);
        assertEquals("", r[1]);
    }

    @Test
    void aBrokenChunkFailsTheConnection() {
        EmbeddedChannel ch = new EmbeddedChannel(new HttpHeadDecoder());
        ch.writeInbound(Unpooled.copiedBuffer("POST http://a.test/ HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n",
                StandardCharsets.ISO_8859_1));
        assertInstanceOf(HttpHead.class, ch.readInbound());
        assertThrows(DecoderException.class, () -> ch.writeInbound(
                Unpooled.copiedBuffer("4\nbody\r\n0\r\n\r\n" + SECOND, StandardCharsets.ISO_8859_1)));
        assertNull(ch.readInbound());
        ch.finishAndReleaseAll();
    }
}
