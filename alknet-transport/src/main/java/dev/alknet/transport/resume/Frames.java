package dev.alknet.transport.resume;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Record format of a framed carrier (docs/adr/0011-resumable-carrier.md): a 1-byte type, then
 * DATA: uint32 length + payload; ACK: uint64 bytes received in total; CLOSE: nothing (the stream ended on
 * purpose, do not resume). Big-endian.
 */
final class Frames {

    static final byte DATA = 1;
    static final byte ACK = 2;
    static final byte CLOSE = 3;
    static final int DATA_HEADER = 5;
    static final int ACK_LENGTH = 9;

    private Frames() {
    }

    static ByteBuf dataHeader(ByteBufAllocator alloc, int length) {
        return alloc.ioBuffer(DATA_HEADER).writeByte(DATA).writeInt(length);
    }

    static ByteBuf ack(ByteBufAllocator alloc, long received) {
        return alloc.ioBuffer(ACK_LENGTH).writeByte(ACK).writeLong(received);
    }

    static ByteBuf close(ByteBufAllocator alloc) {
        return alloc.ioBuffer(1).writeByte(CLOSE);
    }
}
