package dev.alknet.client.socks.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PasswordAuthRequestDecoderTest {

    private static final byte[] REQUEST = {1, 3, 'a', 'l', 'k', 4, 'p', 'a', 's', 's'};

    @Test
    void aCompleteRequestIsParsedAndConsumed() {
        ByteBuf in = Unpooled.wrappedBuffer(REQUEST, new byte[] {5, 1});
        PasswordAuthRequest r = PasswordAuthRequestDecoder.parse(in);
        assertArrayEquals("alk".getBytes(StandardCharsets.US_ASCII), r.user());
        assertArrayEquals("pass".getBytes(StandardCharsets.US_ASCII), r.password());
        assertNull(r.malformed());
        assertEquals(2, in.readableBytes(), "the bytes behind it stay");
    }

    @Test
    void everyPrefixIsIncompleteAndConsumesNothing() {
        for (int n = 0; n < REQUEST.length; n++) {
            ByteBuf in = Unpooled.wrappedBuffer(REQUEST, 0, n);
            assertNull(PasswordAuthRequestDecoder.parse(in), "prefix " + n);
            assertEquals(n, in.readableBytes());
        }
    }

    @Test
    void anEmptyPasswordParsesAndIsLeftToTheCheck() {
        PasswordAuthRequest r = PasswordAuthRequestDecoder.parse(Unpooled.wrappedBuffer(new byte[] {1, 1, 'u', 0}));
        assertEquals(0, r.password().length);
    }

    @Test
    void wrongVersionOrEmptyUserIsMalformed() {
        assertNotNull(PasswordAuthRequestDecoder.parse(Unpooled.wrappedBuffer(new byte[] {5, 1, 'u', 0})).malformed());
        assertNotNull(PasswordAuthRequestDecoder.parse(Unpooled.wrappedBuffer(new byte[] {1, 0, 1, 'p'})).malformed());
    }

    @Test
    void theDecoderEmitsTheRequestThenPassesEverythingThrough() {
        EmbeddedChannel ch = new EmbeddedChannel(new PasswordAuthRequestDecoder());
        ch.writeInbound(Unpooled.wrappedBuffer(REQUEST, 0, 4));
        assertNull(ch.readInbound());
        ch.writeInbound(Unpooled.wrappedBuffer(REQUEST, 4, REQUEST.length - 4), Unpooled.wrappedBuffer(new byte[] {5, 1}));
        PasswordAuthRequest r = ch.readInbound();
        assertArrayEquals("pass".getBytes(StandardCharsets.US_ASCII), r.password());
        ByteBuf rest = ch.readInbound();
        assertEquals(2, rest.readableBytes());
        rest.release();
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {9}));
        ByteBuf more = ch.readInbound();
        assertEquals(9, more.readByte());
        more.release();
        ch.finishAndReleaseAll();
    }
}
