package dev.alknet.core.channel;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.sshd.common.future.CloseFuture;
import org.apache.sshd.common.future.DefaultCloseFuture;
import org.apache.sshd.common.util.closeable.AbstractCloseable;

/**
 * The destination socket's lifetime as part of its SSH channel's close: a graceful close waits for the last write
 * (Netty's {@code close()} fails writes still queued: the truncation bug of notes §2.6), at most {@link #LINGER}.
 * The bytes themselves go through {@link #outbound()}, which the relay's SSH→socket half
 * ({@link dev.alknet.core.channel.ChannelToSocket}) writes to.
 */
public final class DestinationSocket extends AbstractCloseable {

    /** How long a graceful close waits for a slow destination to take the remaining bytes. */
    static final Duration LINGER = Duration.ofSeconds(30);

    private final Channel channel;
    private final BatchedOutbound outbound;

    /** {@code window} gets each write's credit once the destination took the bytes. */
    public DestinationSocket(Channel channel, ReceiveWindow window) {
        super("destination");
        this.channel = channel;
        this.outbound = new BatchedOutbound(channel, window);
    }

    Channel channel() {
        return channel;
    }

    BatchedOutbound outbound() {
        return outbound;
    }

    /** {@link BatchedOutbound#write}: copied, queued, one flush per burst; credit released once written. */
    public ChannelFuture write(byte[] data, int off, int len, ChannelFutureListener onFailure) {
        return outbound.write(data, off, len, onFailure);
    }

    /** {@link BatchedOutbound#endOutput}: FIN (or close, if {@code readingDone}) once every write was handed over. */
    public Future<Void> shutdownOutputAfterWrites(BooleanSupplier readingDone) {
        return outbound.endOutput(readingDone);
    }

    private void afterWrites(Runnable action) {
        ChannelFuture last = outbound.lastWrite();
        if (last == null) {
            channel.eventLoop().execute(action);
        } else {
            last.addListener(f -> action.run());
        }
    }

    @Override
    protected CloseFuture doCloseGracefully() {
        DefaultCloseFuture closed = new DefaultCloseFuture(toString(), futureLock);
        ScheduledFuture<?> linger = channel.eventLoop().schedule(() -> {
            channel.close();
        }, LINGER.toMillis(), TimeUnit.MILLISECONDS);
        channel.closeFuture().addListener(f -> {
            linger.cancel(false);
            closed.setClosed();
        });
        afterWrites(channel::close);
        return closed;
    }

    @Override
    protected void doCloseImmediately() {
        channel.close();
        super.doCloseImmediately();
    }
}
