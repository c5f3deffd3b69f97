package dev.alknet.server.dial;

import java.io.EOFException;
import java.io.IOException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.client.channel.ChannelDirectTcpip;
import org.apache.sshd.common.channel.StreamingChannel;
import org.apache.sshd.common.io.IoReadFuture;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.apache.sshd.common.util.net.SshdSocketAddress;

/**
 * MINA client {@code direct-tcpip} channel in async mode that turns SSH_MSG_CHANNEL_EOF into end-of-stream:
 * stock MINA 2.20.0 client channels never tell their async (or piped) input stream about EOF, only about close.
 */
final class EofAwareDirectTcpip extends ChannelDirectTcpip {

    static final Duration IO_TIMEOUT = Duration.ofSeconds(20);

    EofAwareDirectTcpip(SshdSocketAddress remote) {
        super(new SshdSocketAddress("127.0.0.1", 40000), remote);
        setStreaming(StreamingChannel.Streaming.Async);
    }

    @Override
    public void handleEof() throws IOException {
        super.handleEof();
        // Graceful close of the input stream fails a pending read with EOFException only once buffered data is gone.
        getAsyncOut().close(false);
    }

    /** Writes everything, one outstanding write at a time, counting bytes the channel accepted. */
    void send(byte[] data, int chunk, java.util.concurrent.atomic.AtomicLong accepted) throws IOException {
        for (int off = 0; off < data.length; off += chunk) {
            int len = Math.min(chunk, data.length - off);
            getAsyncIn().writeBuffer(new ByteArrayBuffer(data, off, len)).verify(IO_TIMEOUT.toMillis());
            if (accepted != null) {
                accepted.addAndGet(len);
            }
        }
    }

    void halfClose() {
        getAsyncIn().close(false);
    }

    /** Reads until EOF into {@code digest}; returns the byte count. */
    long readToEof(MessageDigest digest) throws IOException, InterruptedException {
        long total = 0;
        long deadline = System.nanoTime() + IO_TIMEOUT.toNanos();
        while (true) {
            ByteArrayBuffer buf = new ByteArrayBuffer(64 * 1024);
            IoReadFuture f = getAsyncOut().read(buf);
            long left = deadline - System.nanoTime();
            if (left <= 0 || !f.await(left, TimeUnit.NANOSECONDS)) {
                throw new IOException("no EOF within " + IO_TIMEOUT + " after " + total + " bytes");
            }
            if (f.getException() instanceof EOFException) {
                return total;
            }
            if (f.getException() != null) {
                throw new IOException(f.getException());
            }
            int n = f.getRead();
            digest.update(buf.array(), buf.rpos(), n);
            total += n;
        }
    }
}
