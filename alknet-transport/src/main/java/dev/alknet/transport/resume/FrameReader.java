package dev.alknet.transport.resume;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Parses records as they arrive without waiting for whole DATA records: payload bytes are handed on as
 * slices of the read buffer the moment they are read, so the data path copies nothing; only record headers
 * split across reads are gathered (at most 9 bytes).
 */
final class FrameReader {

    interface Sink {
        /** Payload bytes, in order; the sink takes ownership (release it). */
        void data(ByteBuf slice);

        /** @return false if {@code received} is impossible: the reader then stops, as for any bad record */
        boolean ack(long received);

        void close();

        void corrupt(String why);
    }

    private final Sink sink;
    private final ByteBuf header = Unpooled.buffer(Frames.ACK_LENGTH, Frames.ACK_LENGTH);
    private int payloadLeft;
    private boolean failed;

    FrameReader(Sink sink) {
        this.sink = sink;
    }

    /** Consumes and releases {@code in}. */
    void read(ByteBuf in) {
        try {
            while (in.isReadable() && !failed) {
                if (payloadLeft > 0) {
                    int n = Math.min(payloadLeft, in.readableBytes());
                    payloadLeft -= n;
                    sink.data(in.readRetainedSlice(n));
                    continue;
                }
                if (!header.isReadable()) {
                    header.clear();
                }
                if (header.writerIndex() == 0) {
                    header.writeByte(in.readByte());
                }
                byte type = header.getByte(0);
                int need = switch (type) {
                    case Frames.DATA -> Frames.DATA_HEADER;
                    case Frames.ACK -> Frames.ACK_LENGTH;
                    case Frames.CLOSE -> 1;
                    default -> -1;
                };
                if (need < 0) {
                    failed = true;
                    sink.corrupt("unknown record type " + type);
                    return;
                }
                int take = Math.min(need - header.writerIndex(), in.readableBytes());
                header.writeBytes(in, take);
                if (header.writerIndex() < need) {
                    return;
                }
                header.readerIndex(header.writerIndex());
                switch (type) {
                    case Frames.DATA -> {
                        payloadLeft = header.getInt(1);
                        if (payloadLeft < 0) {
                            failed = true;
                            sink.corrupt("negative record length");
                        }
                    }
                    case Frames.ACK -> {
                        long received = header.getLong(1);
                        if (!sink.ack(received)) {
                            failed = true;
                            sink.corrupt("acknowledgement of bytes never sent: " + received);
                        }
                    }
                    default -> {
                        failed = true;
                        sink.close();
                    }
                }
            }
        } finally {
            in.release();
        }
    }
}
