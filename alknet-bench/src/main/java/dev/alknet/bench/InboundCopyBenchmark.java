package dev.alknet.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * SSH packets → socket on the client, the copying part (per operation: one 64 KiB packet delivered).
 * <ul>
 *   <li>{@code before}: MINA's ChannelAsyncInputStream, which the old pump read from: the packet is appended to the
 *       stream's buffer, a 32 KiB read copies it out and then compacts the buffer, i.e. moves everything still
 *       queued ({@code backlogKiB}: how far the reader lags behind) to the front, per read;</li>
 *   <li>{@code after}: BatchedOutbound: the packet is copied once into a pooled direct buffer for the socket.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class InboundCopyBenchmark {

    static final int PACKET = 64 * 1024;
    static final int READ = 32 * 1024;

    @Param({"0", "1024", "4096"})
    int backlogKiB;

    private final byte[] packet = new byte[PACKET];
    private ByteArrayBuffer streamBuffer;
    private ByteArrayBuffer readBuffer;

    @Setup
    public void setUp() {
        streamBuffer = new ByteArrayBuffer(backlogKiB * 1024 + 2 * PACKET, false);
        streamBuffer.putRawBytes(new byte[backlogKiB * 1024]);
        readBuffer = new ByteArrayBuffer(READ, false);
    }

    @Benchmark
    public void before(Blackhole bh) {
        streamBuffer.putRawBytes(packet, 0, PACKET); // ChannelAsyncInputStream.write
        for (int done = 0; done < PACKET; done += READ) {
            readBuffer.clear();
            int n = readBuffer.putBuffer(streamBuffer, false); // ChannelAsyncInputStream.doRead
            streamBuffer.compact();
            bh.consume(n);
            ByteBuf out = io.netty.buffer.Unpooled.wrappedBuffer(readBuffer.array(), 0, n);
            bh.consume(out);
        }
    }

    @Benchmark
    public void after(Blackhole bh) {
        ByteBuf out = PooledByteBufAllocator.DEFAULT.ioBuffer(PACKET).writeBytes(packet, 0, PACKET);
        bh.consume(out);
        out.release();
    }

    /** Keeps the JIT from treating the backlog as dead. */
    Buffer stream() {
        return streamBuffer;
    }
}
