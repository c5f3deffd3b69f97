package dev.alknet.transport.quic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RetryTokensTest {

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final RetryTokens tokens = new RetryTokens(new byte[32], now::get);
    private final InetSocketAddress client = new InetSocketAddress("127.0.0.2", 40000);
    private final byte[] dcid = {1, 2, 3, 4, 5, 6, 7, 8};

    private ByteBuf token(InetSocketAddress to) {
        ByteBuf out = Unpooled.buffer();
        assertTrue(tokens.writeToken(out, Unpooled.wrappedBuffer(dcid), to));
        assertTrue(out.readableBytes() <= tokens.maxTokenLength());
        return out;
    }

    @Test
    void aTokenIsValidFromItsOwnAddressAndGivesBackTheDcid() {
        ByteBuf t = token(client);
        int at = tokens.validateToken(t, client);
        assertTrue(at > 0);
        byte[] back = new byte[t.readableBytes() - at];
        t.getBytes(t.readerIndex() + at, back);
        assertEquals(java.util.Arrays.toString(dcid), java.util.Arrays.toString(back));
    }

    @Test
    void anotherAddressOrPortIsRefused() {
        ByteBuf t = token(client);
        assertEquals(-1, tokens.validateToken(t, new InetSocketAddress("127.0.0.3", 40000)));
        assertEquals(-1, tokens.validateToken(t, new InetSocketAddress("127.0.0.2", 40001)));
    }

    @Test
    void anExpiredForgedOrForeignTokenIsRefused() {
        ByteBuf t = token(client);
        now.addAndGet(RetryTokens.LIFETIME.toMillis() + 1);
        assertEquals(-1, tokens.validateToken(t, client));
        now.set(1_000_000);
        ByteBuf forged = token(client);
        forged.setByte(forged.readerIndex() + 9, forged.getByte(forged.readerIndex() + 9) ^ 1);
        assertEquals(-1, tokens.validateToken(forged, client));
        ByteBuf foreign = Unpooled.buffer();
        new RetryTokens(new byte[] {1, 2, 3}, now::get).writeToken(foreign, Unpooled.wrappedBuffer(dcid), client);
        assertEquals(-1, tokens.validateToken(foreign, client));
        assertEquals(-1, tokens.validateToken(Unpooled.wrappedBuffer(new byte[5]), client));
    }
}
