package dev.alknet.core.channel;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.EventExecutor;
import java.io.EOFException;
import java.io.IOException;
import java.nio.channels.WritePendingException;
import java.util.function.Consumer;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.AbstractChannel;
import org.apache.sshd.common.channel.RemoteWindow;
import org.apache.sshd.common.future.CloseFuture;
import org.apache.sshd.common.future.DefaultCloseFuture;
import org.apache.sshd.common.io.IoWriteFuture;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.closeable.AbstractCloseable;
import org.apache.sshd.common.util.threads.ThreadUtils;

/**
 * Writes {@code SSH_MSG_CHANNEL_DATA} for one channel with all packets of a write in flight at once.
 *
 * <p>Why not MINA's {@code ChannelAsyncOutputStream}: it sends one packet and waits until the transport wrote it
 * before encrypting the next (a hop through the transport's event loop and a flush per 32-64 KiB), and copies the
 * whole remaining buffer once a write is larger than a packet or the window. Here a write of up to
 * {@link RelayTuning#MAX_PENDING} bytes is cut into packets straight from the Netty buffer (one copy: into the packet,
 * where it is encrypted in place) and all of them are handed to the session together, as far as the remote window
 * allows; the rest goes out when the peer adjusts the window.
 *
 * <p>Rules kept: one write at a time (a second one throws {@link WritePendingException}); the write completes only
 * once the transport wrote its last packet, so a stream never has more than one write's bytes in flight; packets are
 * written as framework-internal so that MINA queues them during a key exchange instead of parking an event loop.
 *
 * <p>Threads: {@link #write} runs on {@code loop}, which also runs all continuations; {@link #onWindowExpanded} may
 * be called from any thread (the SSH session's reader).
 */
public final class ChannelDataWriter extends AbstractCloseable {

    private final AbstractChannel channel;
    private final EventExecutor loop;
    private final Runnable resume = this::resume;
    private ByteBuf src;
    private Consumer<Throwable> done;
    private IoWriteFuture lastPacket;
    private volatile boolean waitingForWindow;
    private DefaultCloseFuture idleWaiter;

    public ChannelDataWriter(AbstractChannel channel, EventExecutor loop) {
        super(); // a per-channel discriminator would make MINA create (and slf4j keep forever) a logger per channel
        this.channel = channel;
        this.loop = loop;
    }

    /** True while a write has not completed. Call on the loop. */
    public boolean busy() {
        return done != null;
    }

    /**
     * Writes every readable byte of {@code data} (ownership passes here; it is released once copied) and then calls
     * {@code onDone} on the loop with null, or with the failure.
     */
    public void write(ByteBuf data, Consumer<Throwable> onDone) {
        if (done != null) {
            data.release();
            throw new WritePendingException();
        }
        if (isClosing()) {
            data.release();
            onDone.accept(new EOFException("closing: " + channel));
            return;
        }
        src = data;
        done = onDone;
        pump();
    }

    /** The peer sent a window adjust: resume a write that waits for window. Any thread. */
    public void onWindowExpanded() {
        if (waitingForWindow) {
            loop.execute(resume);
        }
    }

    private void resume() {
        if (waitingForWindow) {
            waitingForWindow = false;
            pump();
        }
    }

    private void pump() {
        ByteBuf data = src;
        if (data == null) {
            return;
        }
        RemoteWindow window = channel.getRemoteWindow();
        while (data.isReadable()) {
            long room = Math.min(window.getPacketSize(), window.getSize());
            if (room <= 0) {
                waitingForWindow = true;
                if (window.getSize() > 0) { // expanded between the check and the flag: onWindowExpanded missed it
                    waitingForWindow = false;
                    continue;
                }
                return;
            }
            int n = (int) Math.min(data.readableBytes(), room);
            IoWriteFuture f;
            try {
                window.consume(n);
                Buffer packet = channel.getSession().createBuffer(SshConstants.SSH_MSG_CHANNEL_DATA, n + 12);
                packet.putUInt(channel.getRecipient());
                packet.putUInt(n);
                packet.ensureCapacity(n);
                data.readBytes(packet.array(), packet.wpos(), n);
                packet.wpos(packet.wpos() + n);
                f = ThreadUtils.runAsInternal(packet, channel::writePacket);
            } catch (IOException | RuntimeException e) {
                src = null;
                data.release();
                lastPacket = null;
                loop.execute(() -> finish(e)); // never call back from within write()
                return;
            }
            lastPacket = f;
        }
        src = null;
        data.release();
        // Transports complete writes in order, so the last packet's completion covers all of them.
        IoWriteFuture last = lastPacket;
        lastPacket = null;
        if (last == null) {
            loop.execute(() -> finish(null));
        } else {
            last.addListener(f -> loop.execute(() -> finish(f.getException())));
        }
    }

    private void finish(Throwable failure) {
        ByteBuf data = src;
        if (data != null) {
            src = null;
            data.release();
        }
        waitingForWindow = false;
        lastPacket = null;
        Consumer<Throwable> callback = done;
        done = null;
        if (callback != null) {
            callback.accept(failure);
        }
        DefaultCloseFuture waiter = idleWaiter;
        if (waiter != null && done == null) {
            idleWaiter = null;
            waiter.setClosed();
        }
    }

    /** A graceful close waits until the current write (if any) completed; it may wait for window. */
    @Override
    protected CloseFuture doCloseGracefully() {
        DefaultCloseFuture idle = new DefaultCloseFuture(channel, futureLock);
        loop.execute(() -> {
            if (done == null) {
                idle.setClosed();
            } else {
                idleWaiter = idle;
            }
        });
        return idle;
    }

    @Override
    protected void doCloseImmediately() {
        loop.execute(() -> {
            if (done != null) {
                finish(new EOFException("closed: " + channel));
            }
            DefaultCloseFuture waiter = idleWaiter;
            if (waiter != null) {
                idleWaiter = null;
                waiter.setClosed();
            }
        });
        super.doCloseImmediately();
    }

    @Override
    public String toString() {
        return "ChannelDataWriter[" + channel + "]";
    }
}
