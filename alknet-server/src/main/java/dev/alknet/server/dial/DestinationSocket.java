package dev.alknet.server.dial;

import dev.alknet.core.channel.BatchedOutbound;
import dev.alknet.core.channel.OutputEnd;
import dev.alknet.core.channel.ReceiveWindow;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.sshd.common.future.CloseFuture;
import org.apache.sshd.common.future.DefaultCloseFuture;
import org.apache.sshd.common.util.closeable.AbstractCloseable;

/**
 * The SSH→destination half of a relay and the destination socket's lifetime. Writes arrive in order from the SSH
 * session's reader thread; output shutdown and graceful close wait for the last of them because Netty's
 * {@code shutdownOutput()}/{@code close()} fail writes still queued (the truncation bug of notes §2.6).
 */
final class DestinationSocket extends AbstractCloseable {

    /** How long a graceful close waits for a slow destination to take the remaining bytes. */
    static final Duration LINGER = Duration.ofSeconds(30);

    private final Channel channel;
    private final BatchedOutbound outbound;

    /** {@code window} gets each write's credit once the destination took the bytes. */
    DestinationSocket(Channel channel, ReceiveWindow window) {
        super("destination");
        this.channel = channel;
        this.outbound = new BatchedOutbound(channel, window);
    }

    Channel channel() {
        return channel;
    }

    /**
     * Copies the bytes (MINA reuses its packet buffer) and queues them, one flush per burst; their window credit is
     * released once written, {@code onFailure} runs if they cannot be.
     */
    ChannelFuture write(byte[] data, int off, int len, ChannelFutureListener onFailure) {
        return outbound.write(data, off, len, onFailure);
    }

    /**
     * Sends FIN once every write issued so far has been handed to the kernel; closes the socket instead if by then
     * {@code readingDone} says its own bytes and EOF were all passed on.
     */
    Future<Void> shutdownOutputAfterWrites(BooleanSupplier readingDone) {
        var done = channel.eventLoop().<Void>newPromise();
        afterWrites(() -> OutputEnd.of((DuplexChannel) channel, readingDone.getAsBoolean()).addListener(f -> {
            if (f.isSuccess()) {
                done.trySuccess(null);
            } else {
                done.tryFailure(f.cause());
            }
        }));
        return done;
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
