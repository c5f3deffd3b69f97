package dev.alknet.transport.resume;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The framing and replay state machine, on embedded channels: no sockets, no SSH. */
class ResumeFramingTest {

    private static ResumableStream stream(long bound) {
        return new ResumableStream(new ResumableStream.Settings(bound, 1024, Duration.ofSeconds(3), Duration.ofSeconds(20),
                Duration.ofSeconds(5)));
    }

    @Test
    void replayBufferKeepsExactlyTheUnacknowledgedBytesAndHonoursItsBound() {
        ReplayBuffer r = new ReplayBuffer(100);
        r.add(Unpooled.wrappedBuffer(new byte[60]));
        assertFalse(r.hasRoomFor(41));
        assertTrue(r.hasRoomFor(40));
        r.add(Unpooled.wrappedBuffer(new byte[40]));
        assertEquals(100, r.held());
        assertTrue(r.ack(70));
        assertEquals(30, r.held());
        assertFalse(r.ack(69), "acks never go back");
        assertFalse(r.ack(101), "nor past what was sent");
        List<ByteBuf> again = r.replayFrom(80);
        assertEquals(1, again.size());
        assertEquals(20, again.get(0).readableBytes());
        again.forEach(ByteBuf::release);
        assertNull(r.replayFrom(10), "bytes already freed cannot be replayed");
        r.release();
    }

    @Test
    void frameReaderHandsOnPayloadAcrossAnySplit() {
        byte[] payload = new byte[5000];
        new Random(1).nextBytes(payload);
        ByteBuf wire = Unpooled.buffer();
        wire.writeByte(Frames.DATA).writeInt(3000).writeBytes(payload, 0, 3000);
        wire.writeByte(Frames.ACK).writeLong(12345);
        wire.writeByte(Frames.DATA).writeInt(2000).writeBytes(payload, 3000, 2000);
        wire.writeByte(Frames.CLOSE);
        for (int chunk : new int[] {1, 2, 3, 7, 100, 100_000}) {
            ByteBuf got = Unpooled.buffer();
            List<Long> acks = new ArrayList<>();
            boolean[] closed = {false};
            FrameReader reader = new FrameReader(new FrameReader.Sink() {
                public void data(ByteBuf slice) {
                    got.writeBytes(slice);
                    slice.release();
                }

                public boolean ack(long received) {
                    acks.add(received);
                    return true;
                }

                public void close() {
                    closed[0] = true;
                }

                public void corrupt(String why) {
                    throw new AssertionError(why);
                }
            });
            ByteBuf w = wire.duplicate();
            while (w.isReadable()) {
                reader.read(w.readRetainedSlice(Math.min(chunk, w.readableBytes())));
            }
            assertArrayEquals(payload, ByteBufUtil(got), "chunk " + chunk);
            assertEquals(List.of(12345L), acks);
            assertTrue(closed[0]);
        }
    }

    private static byte[] ByteBufUtil(ByteBuf b) {
        byte[] a = new byte[b.readableBytes()];
        b.readBytes(a);
        return a;
    }

    /** Two ends joined by hand: what one writes, the other reads; then the carrier dies and a new one resumes. */
    @Test
    void bytesLostWithACarrierAreReplayedExactlyOnce() {
        ResumableStream a = stream(1 << 20);
        ResumableStream b = stream(1 << 20);
        EmbeddedChannel[] ab = carriers(a, b);
        byte[] sent = new byte[10_000];
        new Random(2).nextBytes(sent);
        ab[0].writeOutbound(Unpooled.wrappedBuffer(sent, 0, 4000));
        ByteBuf received = Unpooled.buffer();
        pump(ab[0], ab[1], received);
        // more bytes go out but the carrier dies before they arrive
        ab[0].writeOutbound(Unpooled.wrappedBuffer(sent, 4000, 6000));
        ab[0].outboundMessages().forEach(m -> ((ByteBuf) m).release());
        ab[0].outboundMessages().clear();
        a.arm(ResumeToken.random());
        b.arm(ResumeToken.random());
        ab[0].pipeline().fireChannelInactive(); // the carrier dies (no close through the pipeline: nobody chose it)
        ab[1].pipeline().fireChannelInactive();
        assertEquals(4000, b.received());
        EmbeddedChannel[] again = resume(a, b);
        pump(again[0], again[1], received);
        byte[] got = new byte[received.readableBytes()];
        received.readBytes(got);
        assertArrayEquals(sent, got, "byte-exact: nothing lost, nothing twice");
        assertTrue(ResumeStats.bytesReplayed() >= 6000);
    }

    @Test
    void writesWaitWhileTheReplayBufferIsFull() {
        ResumableStream a = stream(1000);
        ResumableStream b = stream(1000);
        EmbeddedChannel[] ab = carriers(a, b);
        var f1 = ab[0].writeOneOutbound(Unpooled.wrappedBuffer(new byte[800]));
        var f2 = ab[0].writeOneOutbound(Unpooled.wrappedBuffer(new byte[800]));
        ab[0].flushOutbound();
        assertTrue(f1.isSuccess());
        assertFalse(f2.isDone(), "held: it would overflow the replay buffer");
        assertEquals(800, a.replayHeld());
        ByteBuf sink = Unpooled.buffer();
        pump(ab[0], ab[1], sink);
        assertEquals(800, b.received());
        ab[0].writeInbound(Frames.ack(ab[0].alloc(), 800)); // b's acknowledgement arrives
        ab[0].flushOutbound();
        assertTrue(f2.isSuccess(), "room again after the acknowledgement");
        assertTrue(a.replayHeld() <= 1000);
    }

    private static EmbeddedChannel[] carriers(ResumableStream a, ResumableStream b) {
        ResumeFraming fa = new ResumeFraming(a, false);
        ResumeFraming fb = new ResumeFraming(b, false);
        EmbeddedChannel ca = new EmbeddedChannel(fa);
        EmbeddedChannel cb = new EmbeddedChannel(fb);
        a.firstCarrier(fa);
        b.firstCarrier(fb);
        return new EmbeddedChannel[] {ca, cb};
    }

    private static EmbeddedChannel[] resume(ResumableStream a, ResumableStream b) {
        ResumeFraming fa = new ResumeFraming(a, false);
        ResumeFraming fb = new ResumeFraming(b, false);
        EmbeddedChannel ca = new EmbeddedChannel(fa);
        EmbeddedChannel cb = new EmbeddedChannel(fb);
        long aGot = a.received();
        long bGot = b.received();
        assertTrue(a.attach(fa, ca.pipeline().context(fa), bGot));
        assertTrue(b.attach(fb, cb.pipeline().context(fb), aGot));
        return new EmbeddedChannel[] {ca, cb};
    }

    private static void pump(EmbeddedChannel from, EmbeddedChannel to, ByteBuf into) {
        for (Object m; (m = from.readOutbound()) != null; ) {
            to.writeInbound(m);
        }
        for (Object m; (m = to.readInbound()) != null; ) {
            into.writeBytes((ByteBuf) m);
            ((ByteBuf) m).release();
        }
    }
}
