package dev.alknet.core.channel;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * Bytes out of an SSH channel into a Netty socket, written from the SSH session's reader thread. Each packet is
 * copied once into a pooled direct buffer (MINA reuses its packet buffer) and queued; one task on the socket's event
 * loop writes everything queued and flushes once, as the bridge does. The order of the bytes is the order of
 * {@link #write} calls.
 *
 * <p>Each write's window credit goes to the {@link ReceiveWindow} once the socket took the bytes: a slow reader
 * stops the credit, and with it the peer, so at most one window per stream is ever held here.
 */
public final class BatchedOutbound {

    private final Channel channel;
    private final ReceiveWindow window;
    private final Queue<Pending> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final Runnable drain = this::drain;
    private volatile ChannelFuture lastWrite;

    /** {@code window} may be null: nothing to give credit to. */
    public BatchedOutbound(Channel channel, ReceiveWindow window) {
        this.channel = channel;
        this.window = window;
    }

    public Channel channel() {
        return channel;
    }

    /**
     * Copies and queues {@code len} bytes; their window credit is released once written. {@code onFailure} runs
     * if the socket cannot take them.
     */
    public ChannelFuture write(byte[] data, int off, int len, ChannelFutureListener onFailure) {
        ByteBuf buf = channel.alloc().ioBuffer(len).writeBytes(data, off, len);
        ChannelPromise p = channel.newPromise();
        p.addListener((ChannelFuture w) -> {
            if (w.isSuccess()) {
                if (window != null) {
                    window.release(len);
                }
            } else {
                onFailure.operationComplete(w);
            }
        });
        lastWrite = p;
        queue.add(new Pending(buf, p));
        if (channel.eventLoop().inEventLoop()) {
            drain();
        } else if (drainScheduled.compareAndSet(false, true)) {
            channel.eventLoop().execute(drain);
        }
        return p;
    }

    /** The future of the last write issued, or null if none was. */
    public ChannelFuture lastWrite() {
        return lastWrite;
    }

    /**
     * Ends the socket's output once every write issued so far completed ({@link OutputEnd}: a FIN, or a close if by
     * then {@code readingDone} says the socket's own bytes and EOF were all passed on). Waiting matters: Netty's
     * {@code shutdownOutput()}/{@code close()} fail writes still queued, which would cut off the stream's tail.
     * Fails if the last write failed. Any thread; completes on the socket's event loop.
     */
    public Future<Void> endOutput(BooleanSupplier readingDone) {
        Promise<Void> ended = channel.eventLoop().newPromise();
        ChannelFuture last = lastWrite;
        if (last == null) {
            channel.eventLoop().execute(() -> end(readingDone, ended));
        } else {
            last.addListener(w -> {
                if (w.isSuccess()) {
                    end(readingDone, ended);
                } else {
                    ended.tryFailure(w.cause());
                }
            });
        }
        return ended;
    }

    private void end(BooleanSupplier readingDone, Promise<Void> ended) {
        if (!(channel instanceof DuplexChannel duplex)) {
            ended.trySuccess(null);
            return;
        }
        OutputEnd.of(duplex, readingDone.getAsBoolean()).addListener(f -> {
            if (f.isSuccess()) {
                ended.trySuccess(null);
            } else {
                ended.tryFailure(f.cause());
            }
        });
    }

    private void drain() {
        drainScheduled.set(false);
        Pending p;
        boolean wrote = false;
        while ((p = queue.poll()) != null) {
            channel.write(p.buf, p.promise);
            wrote = true;
        }
        if (wrote) {
            channel.flush();
        }
    }

    private record Pending(ByteBuf buf, ChannelPromise promise) {
    }
}
