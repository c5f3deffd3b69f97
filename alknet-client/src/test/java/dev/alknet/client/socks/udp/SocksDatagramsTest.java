package dev.alknet.client.socks.udp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SocksDatagramsTest {

    private static SocksDatagrams.Parsed parse(int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) bytes[i];
        }
        return SocksDatagrams.toFrame(Unpooled.wrappedBuffer(b));
    }

    @Test
    void aRequestBecomesALengthPrefixedFrameFromAtypOn() {
        SocksDatagrams.Parsed p = parse(0, 0, 0, 1, 127, 0, 0, 1, 0, 53, 'h', 'i');
        assertNull(p.drop());
        assertArrayEquals(new byte[] {0, 0, 0, 9, 1, 127, 0, 0, 1, 0, 53, 'h', 'i'}, p.frame());
        assertNull(parse(0, 0, 0, 3, 1, 'x', 0, 7).drop());
        int[] v6 = new int[3 + 1 + 16 + 2];
        v6[3] = 4;
        v6[21] = 9;
        assertNull(parse(v6).drop(), "IPv6 without data");
    }

    @Test
    void fragmentsAndMalformedHeadersAreDropped() {
        assertEquals(SocksDatagrams.Drop.FRAGMENT, parse(0, 0, 1, 1, 127, 0, 0, 1, 0, 53, 'h').drop());
        assertEquals(SocksDatagrams.Drop.FRAGMENT, parse(0, 0, 0x81, 1, 127, 0, 0, 1, 0, 53).drop());
        assertEquals(SocksDatagrams.Drop.MALFORMED, parse(0, 0, 0, 2, 127, 0, 0, 1, 0, 53).drop());
        assertEquals(SocksDatagrams.Drop.MALFORMED, parse(0, 0, 0, 1, 127, 0, 0).drop());
        assertEquals(SocksDatagrams.Drop.MALFORMED, parse(0, 0, 0, 3, 0, 0, 53, 'x').drop());
        assertEquals(SocksDatagrams.Drop.MALFORMED, parse(0, 0, 0, 3, 9, 'x', 0, 53).drop());
        assertEquals(SocksDatagrams.Drop.MALFORMED, parse(0, 0, 0).drop());
    }

    @Test
    void aReplyGetsRsvAndFragZeroInFront() {
        byte[] body = {1, 10, 0, 0, 1, 0, 53, 'a'};
        ByteBuf d = SocksDatagrams.toClient(ByteBufAllocator.DEFAULT, body);
        byte[] got = new byte[d.readableBytes()];
        d.readBytes(got);
        d.release();
        assertArrayEquals(new byte[] {0, 0, 0, 1, 10, 0, 0, 1, 0, 53, 'a'}, got);
        assertEquals(got.length, SocksDatagrams.datagramSize(body));
        assertArrayEquals(Arrays.copyOfRange(got, 3, got.length), body);
    }
}
