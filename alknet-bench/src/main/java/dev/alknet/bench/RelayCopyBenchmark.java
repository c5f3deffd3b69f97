package dev.alknet.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Socket → SSH packets, the copying part of a relay's write: 256 KiB read from a socket in {@code readSize} direct
 * buffers, turned into {@code packetSize} SSH channel-data packets.
 * <ul>
 *   <li>{@code before}: what the relays did, per socket read: copy the buffer into a new byte[], hand it to MINA's
 *       ChannelAsyncOutputStream, which copies it again when it exceeds a packet and then into the packet;</li>
 *   <li>{@code after}: ChannelDataWriter: the reads as one CompositeByteBuf, copied once, straight into packets.</li>
 * </ul>
 * Per operation: 256 KiB moved.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RelayCopyBenchmark {

    static final int BATCH = 256 * 1024;

    @Param({"2048", "65536"})
    int readSize;

    @Param({"32768", "65536"})
    int packetSize;

    private final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
    private ByteBuf[] reads;

    @Setup(Level.Iteration)
    public void setUp() {
        reads = new ByteBuf[BATCH / readSize];
        for (int i = 0; i < reads.length; i++) {
            ByteBuf b = alloc.directBuffer(readSize);
            b.writerIndex(readSize);
            reads[i] = b;
        }
    }

    @TearDown(Level.Iteration)
    public void tearDown() {
        for (ByteBuf b : reads) {
            b.release();
        }
    }

    /** One SSH packet as MINA lays it out: header room, command, recipient, length, data. */
    private static Buffer packet(int n) {
        Buffer p = new ByteArrayBuffer(n + 64, false);
        p.wpos(5);
        p.putByte((byte) 94);
        p.putUInt(1);
        p.putUInt(n);
        return p;
    }

    @Benchmark
    public void before(Blackhole bh) {
        for (ByteBuf read : reads) {
            byte[] bytes = new byte[read.readableBytes()];
            read.getBytes(read.readerIndex(), bytes);
            Buffer src = new ByteArrayBuffer(bytes);
            if (src.available() > packetSize) {
                Buffer copied = new ByteArrayBuffer(src.available()); // ChannelAsyncOutputStream.writePacket
                copied.putBuffer(src, false);
                src = copied;
            }
            while (src.available() > 0) {
                int n = Math.min(src.available(), packetSize);
                Buffer p = packet(n);
                p.putRawBytes(src.array(), src.rpos(), n);
                src.rpos(src.rpos() + n);
                bh.consume(p);
            }
        }
    }

    @Benchmark
    public void after(Blackhole bh) {
        CompositeByteBuf batch = alloc.compositeBuffer(reads.length);
        for (ByteBuf read : reads) {
            batch.addComponent(true, read.retainedDuplicate());
        }
        while (batch.isReadable()) {
            int n = Math.min(batch.readableBytes(), packetSize);
            Buffer p = packet(n);
            p.ensureCapacity(n);
            batch.readBytes(p.array(), p.wpos(), n);
            p.wpos(p.wpos() + n);
            bh.consume(p);
        }
        batch.release();
    }
}
