package dev.alknet.core.bridge;

import dev.alknet.transport.EventLoops;
import dev.alknet.transport.StreamAddresses;
import dev.alknet.core.resume.ResumeLink;
import dev.alknet.transport.resume.ResumableStream;
import dev.alknet.transport.resume.ResumeFraming;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import java.io.IOException;
import java.net.SocketAddress;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.sshd.common.future.CloseFuture;
import org.apache.sshd.common.future.DefaultCloseFuture;
import org.apache.sshd.common.io.IoHandler;
import org.apache.sshd.common.io.IoService;
import org.apache.sshd.common.io.IoSession;
import org.apache.sshd.common.io.IoWriteFuture;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.closeable.AbstractCloseable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries one MINA SSHD session over any Netty stream channel (TCP, TLS, a QUIC stream): the single
 * bridge between the SSH layer and the transports.
 *
 * <p>Writes may come from any thread. They go through one queue drained on the channel's event loop, so
 * their order is the order of {@link #writeBuffer} calls (Netty runs an event-loop caller's write at once
 * but another thread's later, which would reorder SSH packets) and a burst costs one flush. Half-close
 * is queued behind the pending writes: Netty's {@code shutdownOutput()} fails writes still pending.
 */
public final class ChannelIoSession extends AbstractCloseable implements IoSession {

    private static final Logger LOG = LoggerFactory.getLogger(ChannelIoSession.class);
    private static final AtomicLong IDS = new AtomicLong();
    private static final Object SHUTDOWN_OUTPUT = new Object();
    /** Largest socket read of an SSH stream; 0 keeps Netty's default allocator. See docs/performance.md. */
    private static final int READ_MAX = Integer.getInteger("alknet.bridge.readMax", 256 * 1024);

    private final long id = IDS.incrementAndGet();
    /** The carrier; replaced when a resumable stream moves to a new one (docs/adr/0011). */
    private volatile Channel channel;
    /** True while a resumable stream has no carrier: writes wait in {@link #outbound}. */
    private volatile boolean parked;
    private volatile boolean readSuspended;
    /** Reads from the peer so far: a keepalive counts any of them as a sign of life. */
    private volatile long reads;
    private volatile Runnable closeHook;
    private final IoHandler handler;
    private final BridgeIoService service;
    private final SocketAddress acceptanceAddress;
    private final Map<Object, Object> attributes = new ConcurrentHashMap<>();
    private final Queue<Object> outbound = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final AtomicBoolean closedNotified = new AtomicBoolean();
    private final Runnable drain = this::drain;

    private ChannelIoSession(Channel channel, IoHandler handler, BridgeIoService service, SocketAddress acceptance) {
        super(); // no per-connection discriminator: MINA would create (and slf4j keep forever) a logger per name
        this.channel = channel;
        this.handler = handler;
        this.service = service;
        this.acceptanceAddress = acceptance;
    }

    /**
     * Attaches a session to an active stream whose autoRead is off (the Transport contract), tells MINA
     * about it (a server session sends its identification line here) and starts reading.
     */
    public static ChannelIoSession attach(Channel stream, IoHandler handler, BridgeIoService service,
            SocketAddress acceptanceAddress) throws Exception {
        ChannelIoSession session = new ChannelIoSession(stream, handler, service, acceptanceAddress);
        session.plugInto(stream);
        service.register(session);
        try {
            handler.sessionCreated(session);
        } catch (Exception e) {
            session.close(true);
            throw e;
        }
        stream.config().setAutoRead(true);
        return session;
    }

    private void plugInto(Channel stream) {
        stream.pipeline().addLast("ssh", new Inbound());
        if (READ_MAX > 0) {
            // Netty's default grows its read buffer to 64 KiB at most: bigger reads hand MINA several packets at once.
            stream.config().setOption(ChannelOption.RCVBUF_ALLOCATOR,
                    new AdaptiveRecvByteBufAllocator(4096, 64 * 1024, Math.max(64 * 1024, READ_MAX)));
        }
    }

    public Channel channel() {
        return channel;
    }

    /** The carrier is gone but the stream may resume: hold writes, keep the session. */
    public void park() {
        parked = true;
    }

    /** Goes on over {@code carrier} (whose pipeline already frames the stream): reads resume, held writes go. */
    public void unpark(Channel carrier) {
        channel = carrier;
        plugInto(carrier);
        parked = false;
        carrier.config().setAutoRead(!readSuspended);
        drainScheduled.set(true);
        carrier.eventLoop().execute(drain);
    }

    /** Whether a lost carrier may be replaced: a resumable stream that holds its token and has not ended. */
    private boolean mayResume() {
        return getAttribute(ResumeLink.KEY) instanceof ResumableStream s && s.armed();
    }

    /** Runs once when the session is closed (frees what a resumable stream holds). */
    public void onClose(Runnable hook) {
        closeHook = hook;
    }

    @Override
    public IoWriteFuture writeBuffer(Buffer buffer) throws IOException {
        ChannelWriteFuture future = new ChannelWriteFuture(this);
        if (isClosing() || (!parked && !channel.isOpen() && !mayResume())) {
            future.complete(new IOException("transport closed: " + channel));
            return future;
        }
        // MINA keeps the buffer untouched until the future completes (its NIO2 back-end relies on it too),
        // so it is wrapped, not copied.
        ByteBuf data = Unpooled.wrappedBuffer(buffer.array(), buffer.rpos(), buffer.available());
        dev.alknet.core.metrics.AlknetMetrics.get().bytesSent(data.readableBytes());
        outbound.add(new PendingWrite(data, future));
        scheduleDrain();
        return future;
    }

    @Override
    public void shutdownOutputStream() {
        outbound.add(SHUTDOWN_OUTPUT);
        scheduleDrain();
    }

    private void scheduleDrain() {
        if (drainScheduled.compareAndSet(false, true)) {
            channel.eventLoop().execute(drain);
        }
    }

    private void drain() {
        Channel channel = this.channel;
        if (!channel.eventLoop().inEventLoop()) {
            // the carrier changed since this drain was scheduled: keep every write on one loop, in order
            channel.eventLoop().execute(drain);
            return;
        }
        drainScheduled.set(false);
        if (parked || (!channel.isActive() && mayResume())) {
            // A carrier that just died but is not parked yet: its pipeline may be gone, and a write there would
            // fail and be lost (a gap in the SSH stream: the peer's next packet fails its MAC). Keep it for unpark.
            return;
        }
        boolean wrote = false;
        Object item;
        while ((item = outbound.poll()) != null) {
            if (item == SHUTDOWN_OUTPUT) {
                ChannelFuture last = channel.writeAndFlush(Unpooled.EMPTY_BUFFER);
                wrote = false;
                last.addListener(f -> {
                    if (channel.pipeline().get(ResumeFraming.NAME) != null) {
                        channel.close(); // a framed carrier's EOF means "lost": the CLOSE record says "ended"
                    } else if (channel instanceof DuplexChannel duplex && channel.isActive()) {
                        duplex.shutdownOutput();
                    }
                });
                continue;
            }
            PendingWrite w = (PendingWrite) item;
            channel.write(w.data).addListener(f -> w.future.complete(f.cause()));
            wrote = true;
        }
        if (wrote) {
            channel.flush();
        }
    }

    @Override
    public void suspendRead() {
        readSuspended = true;
        channel.config().setAutoRead(false);
    }

    @Override
    public void resumeRead() {
        readSuspended = false;
        channel.config().setAutoRead(true);
    }

    @Override
    protected CloseFuture doCloseGracefully() {
        // Let queued writes reach the wire first (a DISCONNECT message, the tail of a stream).
        DefaultCloseFuture done = new DefaultCloseFuture(toString(), futureLock);
        channel.eventLoop().execute(() -> {
            drain();
            channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> channel.close()
                    .addListener(c -> done.setClosed()));
        });
        return done;
    }

    @Override
    protected void doCloseImmediately() {
        channel.close();
        failPendingWrites();
        notifyClosed();
        super.doCloseImmediately();
    }

    private void failPendingWrites() {
        Object item;
        while ((item = outbound.poll()) != null) {
            if (item instanceof PendingWrite w) {
                w.data.release();
                w.future.complete(new IOException("transport closed"));
            }
        }
    }

    private void notifyClosed() {
        if (closedNotified.compareAndSet(false, true)) {
            service.unregister(this);
            Runnable hook = closeHook;
            if (hook != null) {
                // after the carrier's close queued just before: a resumable stream ended first would let the carrier
                // close without its CLOSE record, and the peer would hold the session for a resume that never comes
                EventLoops.runOnLoop(channel, hook);
            }
            try {
                handler.sessionClosed(this);
            } catch (Exception e) {
                LOG.debug("sessionClosed failed for {}", this, e);
            }
        }
    }

    /** How many reads brought bytes from the peer (any thread may ask). */
    public long reads() {
        return reads;
    }

    @Override
    public long getId() {
        return id;
    }

    @Override
    public SocketAddress getAcceptanceAddress() {
        return acceptanceAddress;
    }

    @Override
    public SocketAddress getLocalAddress() {
        return StreamAddresses.local(channel);
    }

    @Override
    public SocketAddress getRemoteAddress() {
        return StreamAddresses.remote(channel);
    }

    @Override
    public Object getAttribute(Object key) {
        return attributes.get(key);
    }

    @Override
    public Object setAttribute(Object key, Object value) {
        return attributes.put(key, value);
    }

    @Override
    public Object setAttributeIfAbsent(Object key, Object value) {
        return attributes.putIfAbsent(key, value);
    }

    @Override
    public Object removeAttribute(Object key) {
        return attributes.remove(key);
    }

    @Override
    public IoService getService() {
        return service;
    }

    @Override
    public String toString() {
        return "ChannelIoSession[" + id + " " + channel + "]";
    }

    private record PendingWrite(ByteBuf data, ChannelWriteFuture future) {
    }

    /** Feeds received bytes to MINA and reports the end of the stream. */
    private final class Inbound extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
            ByteBuf buf = (ByteBuf) msg;
            reads++; // written only by the carrier's event loop, one carrier at a time
            dev.alknet.core.metrics.AlknetMetrics.get().bytesReceived(buf.readableBytes());
            try {
                handler.messageReceived(ChannelIoSession.this, new ByteBufReadable(buf));
            } finally {
                buf.release();
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent) {
                // The peer ended the SSH stream: the session is over whatever it still wants to say.
                close(false);
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            failPendingWrites();
            close(true);
            notifyClosed();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            try {
                handler.exceptionCaught(ChannelIoSession.this, cause);
            } catch (Exception e) {
                LOG.debug("exceptionCaught failed for {}", ChannelIoSession.this, e);
            }
            close(true);
        }
    }
}
