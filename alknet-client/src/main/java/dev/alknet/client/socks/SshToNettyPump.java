package dev.alknet.client.socks;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.concurrent.EventExecutor;
import java.io.EOFException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.sshd.client.channel.ChannelDirectTcpip;
import org.apache.sshd.common.channel.ChannelListener;
import org.apache.sshd.common.io.IoInputStream;
import org.apache.sshd.common.io.IoReadFuture;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;

/**
 * SSH → SOCKS client: one {@code asyncOut.read} at a time, and the next one only after the previous bytes
 * were written to the socket. MINA releases the channel's local window only for bytes read, so a client
 * that reads slowly throttles the server instead of filling this JVM.
 *
 * <p>Remote EOF: MINA 2.20's client-side {@code ChannelAsyncInputStream} is not told about
 * {@code SSH_MSG_CHANNEL_EOF}; a read stays pending until the channel <em>closes</em>. So the EOF is watched
 * for as a channel state change. MINA handles a channel's messages in order on one thread, so once EOF is
 * signalled every byte before it is in the stream's buffer: a read that does not complete at once after
 * that means the end. Everything here runs on the Netty channel's event loop.
 */
final class SshToNettyPump {

    /** Bounds of the read buffer, which is sized to the packets the server sends us. */
    private static final int MIN_READ = 16 * 1024;
    private static final int MAX_READ = 64 * 1024;

    private final ChannelDirectTcpip ssh;
    private final IoInputStream in;
    private final Channel out;
    private final EventExecutor loop;
    private final Runnable onEnd;
    private final Consumer<Throwable> onError;
    private final ByteArrayBuffer buf;
    private final AtomicBoolean eofNoticed = new AtomicBoolean();
    private final ChannelListener eofListener = new ChannelListener() {
        @Override
        public void channelStateChanged(org.apache.sshd.common.channel.Channel channel, String hint) {
            noticeEof();
        }
    };
    private IoReadFuture reading;
    private ChannelFuture lastWrite;
    private boolean remoteEof;
    private boolean done;

    /**
     * @param onEnd   called once all bytes and the EOF were delivered and our output is shut down
     * @param onError called once if reading or writing fails
     */
    SshToNettyPump(ChannelDirectTcpip ssh, Channel out, Runnable onEnd, Consumer<Throwable> onError) {
        this.ssh = ssh;
        this.in = ssh.getAsyncOut();
        this.out = out;
        this.loop = out.eventLoop();
        this.onEnd = onEnd;
        this.onError = onError;
        long packet = ssh.getLocalWindow().getPacketSize();
        this.buf = new ByteArrayBuffer((int) Math.max(MIN_READ, Math.min(MAX_READ, packet)), false);
    }

    void start() {
        if (!ssh.isClosing()) { // a closing channel ends its stream by itself (and MINA warns on registration)
            ssh.addChannelListener(eofListener);
        }
        noticeEof(); // the EOF may have come before the listener
        readNext();
    }

    /** Stops without further callbacks; the caller closes the channels. */
    void stop() {
        if (!done) {
            done = true;
            ssh.removeChannelListener(eofListener);
        }
    }

    private void noticeEof() {
        if (ssh.isEofSignalled() && eofNoticed.compareAndSet(false, true)) {
            loop.execute(this::onRemoteEof);
        }
    }

    private void onRemoteEof() {
        remoteEof = true;
        if (reading != null && !reading.isDone()) {
            end(); // the pending read can only be completed by the channel's close
        }
    }

    private void readNext() {
        if (done) {
            return;
        }
        buf.clear();
        IoReadFuture f;
        try {
            f = in.read(buf);
        } catch (RuntimeException e) {
            fail(e);
            return;
        }
        reading = f;
        if (remoteEof && !f.isDone()) {
            end();
            return;
        }
        // Always through the queue: keeps the stack flat and the order of MINA's callbacks.
        f.addListener(r -> loop.execute(() -> onRead(r)));
    }

    private void onRead(IoReadFuture f) {
        if (done || f != reading) {
            return;
        }
        reading = null;
        Throwable e = f.getException();
        if (e instanceof EOFException) {
            end();
            return;
        }
        if (e != null) {
            fail(e);
            return;
        }
        int n = f.getRead();
        if (n <= 0) {
            readNext();
            return;
        }
        // Wrapping is safe: the array is reused only after this write completed.
        lastWrite = out.writeAndFlush(Unpooled.wrappedBuffer(buf.array(), buf.rpos(), n));
        lastWrite.addListener(w -> {
            if (w.isSuccess()) {
                readNext();
            } else {
                fail(w.cause());
            }
        });
    }

    private void end() {
        if (done) {
            return;
        }
        stop();
        // shutdownOutput() fails writes still queued in Netty, so it must follow the last one.
        ChannelFuture last = lastWrite != null ? lastWrite : out.newSucceededFuture();
        last.addListener(w -> {
            if (!w.isSuccess()) {
                onError.accept(w.cause());
            } else if (out instanceof DuplexChannel duplex) {
                duplex.shutdownOutput().addListener(s -> {
                    if (s.isSuccess()) {
                        onEnd.run();
                    } else {
                        onError.accept(s.cause());
                    }
                });
            } else {
                onEnd.run();
            }
        });
    }

    private void fail(Throwable e) {
        if (!done) {
            stop();
            onError.accept(e);
        }
    }
}
