package dev.alknet.client.socks.udp;

import dev.alknet.core.udp.UdpFrames;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * The SOCKS5 UDP request header (RFC 1928 §7: {@code RSV(2) FRAG ATYP DST.ADDR DST.PORT DATA}) to and from the
 * tunnel's frames, which are the same bytes from ATYP on behind a length field. Pure functions.
 */
final class SocksDatagrams {

    /** RSV and FRAG. */
    static final int PREFIX = 3;

    /** Why a datagram from the client is not sent. */
    enum Drop { FRAGMENT, MALFORMED }

    /** A frame for the tunnel, or why there is none. */
    record Parsed(byte[] frame, Drop drop) {
    }

    private SocksDatagrams() {
    }

    /** The frame (length field included) for a datagram from the SOCKS client. Does not consume {@code d}. */
    static Parsed toFrame(ByteBuf d) {
        int n = d.readableBytes();
        if (n < PREFIX + UdpFrames.MIN_BODY - 1) {
            return new Parsed(null, Drop.MALFORMED);
        }
        if (d.getByte(d.readerIndex() + 2) != 0) {
            return new Parsed(null, Drop.FRAGMENT); // reassembly is optional (RFC 1928 §7) and not done
        }
        int body = n - PREFIX;
        byte[] frame = new byte[UdpFrames.LENGTH_FIELD + body];
        UdpFrames.putLength(frame, body);
        d.getBytes(d.readerIndex() + PREFIX, frame, UdpFrames.LENGTH_FIELD, body);
        if (UdpFrames.addressLength(frame, UdpFrames.LENGTH_FIELD, body) < 0) {
            return new Parsed(null, Drop.MALFORMED);
        }
        return new Parsed(frame, null);
    }

    /** Size of the datagram {@link #toClient} makes of a frame body. */
    static int datagramSize(byte[] body) {
        return PREFIX + body.length;
    }

    /** The datagram for the SOCKS client: RSV and FRAG zero, then the body (source address and data). */
    static ByteBuf toClient(ByteBufAllocator alloc, byte[] body) {
        return alloc.buffer(PREFIX + body.length).writeZero(PREFIX).writeBytes(body);
    }
}
