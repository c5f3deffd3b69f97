package dev.alknet.transport.resume;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A second, deliberately plain reading of the record format (docs/adr/0011) for the fuzz tests: the whole stream
 * at once, record by record. What FrameReader hands on, however the bytes are cut, must match it; the complete
 * records it finds, encoded again with {@link Frames}, must give back the bytes they were read from.
 */
final class ReferenceRecords {

    /** Payload bytes (a run of DATA records, merged), an acknowledgement, CLOSE, or the stream is bad. */
    sealed interface Event permits Data, Ack, Close, Corrupt {
    }

    record Data(byte[] bytes) implements Event {
        @Override
        public boolean equals(Object o) {
            return o instanceof Data d && java.util.Arrays.equals(bytes, d.bytes);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return "Data[" + bytes.length + "]";
        }
    }

    record Ack(long received) implements Event {
    }

    record Close() implements Event {
    }

    record Corrupt() implements Event {
    }

    /** What a reading of {@code stream} yields, and how many bytes of it form complete records. */
    record Reading(List<Event> events, int complete, byte[] reencoded) {
    }

    private ReferenceRecords() {
    }

    static Reading read(byte[] s) {
        Events ev = new Events();
        ByteBuf again = Unpooled.buffer();
        ByteBufAllocator alloc = again.alloc();
        int i = 0;
        int complete = 0;
        loop:
        while (i < s.length) {
            switch (s[i]) {
                case Frames.DATA -> {
                    if (s.length - i < Frames.DATA_HEADER) {
                        break loop;
                    }
                    long length = ((s[i + 1] & 0xffL) << 24) | ((s[i + 2] & 0xff) << 16) | ((s[i + 3] & 0xff) << 8)
                            | (s[i + 4] & 0xff);
                    if (length > Integer.MAX_VALUE) {
                        ev.add(new Corrupt());
                        break loop;
                    }
                    int here = (int) Math.min(length, s.length - i - Frames.DATA_HEADER);
                    ev.data(s, i + Frames.DATA_HEADER, here);
                    if (here < length) {
                        break loop; // the rest of its payload has not arrived
                    }
                    write(again, Frames.dataHeader(alloc, (int) length));
                    again.writeBytes(s, i + Frames.DATA_HEADER, here);
                    i += Frames.DATA_HEADER + here;
                }
                case Frames.ACK -> {
                    if (s.length - i < Frames.ACK_LENGTH) {
                        break loop;
                    }
                    long n = Unpooled.wrappedBuffer(s, i + 1, 8).readLong();
                    ev.add(new Ack(n));
                    write(again, Frames.ack(alloc, n));
                    i += Frames.ACK_LENGTH;
                }
                case Frames.CLOSE -> {
                    ev.add(new Close());
                    write(again, Frames.close(alloc));
                    i += 1;
                    complete = i;
                    break loop;
                }
                default -> {
                    ev.add(new Corrupt());
                    break loop;
                }
            }
            complete = i;
        }
        ev.flush();
        byte[] re = new byte[again.readableBytes()];
        again.readBytes(re);
        again.release();
        return new Reading(ev.list, complete, re);
    }

    /**
     * What a framing handler passes up for a reading, when {@code sent} bytes went out on the carrier: payload,
     * CLOSE, and the first error (a bad record, or an acknowledgement out of {@code [last one, sent]}) as
     * {@link Corrupt}; nothing after CLOSE or an error. Good acknowledgements stay in the layer.
     */
    static List<Event> seenAbove(List<Event> reading, long sent) {
        Events out = new Events();
        long acked = 0;
        for (Event e : reading) {
            if (e instanceof Data d) {
                out.data(d.bytes(), 0, d.bytes().length);
                continue;
            }
            if (e instanceof Ack a) {
                if (a.received() < acked || a.received() > sent) {
                    out.add(new Corrupt());
                    break;
                }
                acked = a.received();
                continue;
            }
            out.add(e);
            break; // CLOSE or an error
        }
        return out.flush();
    }

    private static void write(ByteBuf into, ByteBuf record) {
        into.writeBytes(record);
        record.release();
    }

    /** Collects events, merging consecutive payload (record boundaries inside a run are not visible above). */
    static final class Events {
        final List<Event> list = new ArrayList<>();
        private final ByteArrayOutputStream run = new ByteArrayOutputStream();

        void data(byte[] b, int off, int len) {
            run.write(b, off, len);
        }

        void data(ByteBuf slice) {
            byte[] b = new byte[slice.readableBytes()];
            slice.readBytes(b);
            slice.release();
            data(b, 0, b.length);
        }

        void add(Event e) {
            flush();
            list.add(e);
        }

        List<Event> flush() {
            if (run.size() > 0) {
                list.add(new Data(run.toByteArray()));
                run.reset();
            }
            return list;
        }

        /** A sink for FrameReader that records what it is handed. */
        FrameReader.Sink sink() {
            return new FrameReader.Sink() {
                @Override
                public void data(ByteBuf slice) {
                    Events.this.data(slice);
                }

                @Override
                public boolean ack(long received) {
                    add(new Ack(received));
                    return true;
                }

                @Override
                public void close() {
                    add(new Close());
                }

                @Override
                public void corrupt(String why) {
                    if (why == null || why.isEmpty()) {
                        throw new AssertionError("corrupt without a reason");
                    }
                    add(new Corrupt());
                }
            };
        }
    }
}
