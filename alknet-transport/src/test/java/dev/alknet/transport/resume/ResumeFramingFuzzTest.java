package dev.alknet.transport.resume;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.alknet.transport.resume.ReferenceRecords.Ack;
import dev.alknet.transport.resume.ReferenceRecords.Close;
import dev.alknet.transport.resume.ReferenceRecords.Corrupt;
import dev.alknet.transport.resume.ReferenceRecords.Data;
import dev.alknet.transport.resume.ReferenceRecords.Event;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A framed carrier's inbound bytes, anything, cut anyhow (first byte: the cutting, see {@link Pieces}). The
 * record reader hands on exactly what a plain whole-stream reading finds, whose complete records encode back to
 * the same bytes; it buffers nothing but a record header. On a live carrier: payload goes up byte-exact, and the
 * first bad record (unknown type, negative length, an acknowledgement of bytes never sent) is the layer's
 * protocol error — an IOException "resumable carrier: ..." — after which nothing more goes up.
 */
class ResumeFramingFuzzTest {

    private static final int SENT = 1000;

    @FuzzTest(maxDuration = "60s")
    void records(byte[] input) {
        Pieces p = Pieces.of(input);
        ReferenceRecords.Reading ref = ReferenceRecords.read(p.stream());
        assertArrayEquals(Arrays.copyOf(p.stream(), ref.complete()), ref.reencoded(),
                "complete records encode back to their bytes");
        for (Pieces cut : List.of(p, p.whole())) {
            ReferenceRecords.Events got = new ReferenceRecords.Events();
            FrameReader reader = new FrameReader(got.sink());
            for (byte[] piece : cut.pieces()) {
                ByteBuf b = Unpooled.wrappedBuffer(piece);
                reader.read(b);
                assertEquals(0, b.refCnt(), "the read buffer is released");
            }
            assertEquals(ref.events(), got.flush());
        }
    }

    @FuzzTest(maxDuration = "60s")
    void carrier(byte[] input) {
        Pieces p = Pieces.of(input);
        boolean armed = input.length > 0 && (input[0] & 0x80) != 0;
        ResumableStream stream = new ResumableStream(new ResumableStream.Settings(1 << 20, 1024, Duration.ofSeconds(3),
                Duration.ofSeconds(20), Duration.ofSeconds(5)));
        ResumeFraming framing = new ResumeFraming(stream, false);
        Above above = new Above();
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.freezeTime();
        ch.pipeline().addLast(framing, above);
        stream.firstCarrier(framing);
        if (armed) {
            stream.arm(new ResumeToken(new byte[ResumeToken.ID_BYTES], new byte[ResumeToken.KEY_BYTES]));
        }
        try {
            ch.writeOutbound(Unpooled.wrappedBuffer(new byte[SENT]));
            ch.releaseOutbound();
            for (byte[] piece : p.pieces()) {
                if (!ch.isOpen()) {
                    break;
                }
                ch.writeInbound(Unpooled.wrappedBuffer(piece));
                ch.runPendingTasks();
            }
            ch.checkException();
            above.events.flush();
            assertEquals(ReferenceRecords.seenAbove(ReferenceRecords.read(p.stream()).events(), SENT), above.events.list);
            long delivered = above.events.list.stream().filter(e -> e instanceof Data)
                    .mapToLong(e -> ((Data) e).bytes().length).sum();
            assertEquals(delivered, stream.received(), "payload counted as received");
            List<Event> acks = ReferenceRecords.read(outbound(ch)).events();
            long last = -1;
            for (Event e : acks) {
                assertTrue(e instanceof Ack a && a.received() > last && a.received() <= delivered,
                        "only rising acknowledgements of what arrived go back: " + acks);
                last = ((Ack) e).received();
            }
            if (ch.isOpen() && !stream.ended()) {
                ch.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE); // the carrier's EOF
                ch.runPendingTasks();
                assertEquals(armed, !ch.isOpen(), "an armed stream drops its carrier on EOF and waits to resume");
                assertEquals(armed, !stream.ended() && stream.detached());
            }
            assertTrue(above.unexpected.isEmpty(), () -> "unexpected: " + above.unexpected);
        } finally {
            ch.finishAndReleaseAll();
            stream.end();
        }
    }

    static byte[] outbound(EmbeddedChannel ch) {
        ByteBuf all = Unpooled.buffer();
        for (Object m; (m = ch.readOutbound()) != null; ) {
            all.writeBytes((ByteBuf) m);
            ((ByteBuf) m).release();
        }
        byte[] b = new byte[all.readableBytes()];
        all.readBytes(b);
        all.release();
        return b;
    }

    /** The layer above the framing (SSH in real life): records what reaches it. */
    static final class Above extends ChannelInboundHandlerAdapter {
        final ReferenceRecords.Events events = new ReferenceRecords.Events();
        final List<Object> unexpected = new ArrayList<>();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf b) {
                events.data(b);
            } else {
                unexpected.add(msg);
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt == ChannelInputShutdownEvent.INSTANCE) {
                events.add(new Close());
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof IOException && String.valueOf(cause.getMessage()).startsWith("resumable carrier: ")) {
                events.add(new Corrupt());
            } else {
                unexpected.add(cause);
            }
        }
    }
}
