package dev.alknet.transport;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The one event loop group of the process, shared by transports, the SOCKS listener and dialers, so a
 * relayed byte never changes threads more than it must. Native epoll when available, NIO otherwise.
 *
 * <p>Its size is the command's choice ({@link #useThreads}): a client carries one SSH session, so one loop does all
 * of its work without a hand-over between threads per packet; a server keeps one loop per core and puts each
 * session's destination sockets on that session's loop ({@link #current}). See ADR 0016 for the measurements.
 */
public final class EventLoops {

    private static final boolean EPOLL = Epoll.isAvailable() && !Boolean.getBoolean("alknet.nio");
    private static volatile MultiThreadIoEventLoopGroup group;
    private static volatile MultiThreadIoEventLoopGroup spare;
    private static volatile int threads = Runtime.getRuntime().availableProcessors();
    /** A loop that runs no task for this long is reported ({@link LoopWatchdog}); 0 turns the watchdog off. */
    private static final long STALL_MILLIS = Long.getLong("alknet.loopStallMillis", 10_000);
    /** Who hears of a stalled loop: the log, and whoever else asked (tests fail a class on it). */
    private static final List<LoopWatchdog.Listener> STALL_LISTENERS = new CopyOnWriteArrayList<>(
            List.of(LoopWatchdog.LOG));

    private EventLoops() {
    }

    public static MultiThreadIoEventLoopGroup group() {
        MultiThreadIoEventLoopGroup g = group;
        if (g == null) {
            synchronized (EventLoops.class) {
                g = group;
                if (g == null) {
                    IoHandlerFactory io = EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
                    int n = Integer.getInteger("alknet.eventLoopThreads", threads);
                    g = new MultiThreadIoEventLoopGroup(n, new DefaultThreadFactory("alknet-io", true), io);
                    watch(g);
                    group = g;
                }
            }
        }
        return g;
    }

    /**
     * A group of one loop beside the shared one, same transport, made on first use: for a socket that a shared loop
     * must wait for (binding a {@code -R} listener from a session's loop). Nothing on it may wait for another loop,
     * so a shared loop that waits for it cannot deadlock.
     */
    public static MultiThreadIoEventLoopGroup spare() {
        MultiThreadIoEventLoopGroup g = spare;
        if (g == null) {
            synchronized (EventLoops.class) {
                g = spare;
                if (g == null) {
                    IoHandlerFactory io = EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
                    g = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("alknet-io-spare", true), io);
                    watch(g);
                    spare = g;
                }
            }
        }
        return g;
    }

    /**
     * Sizes the group before its first use (the system property {@code alknet.eventLoopThreads} still wins); once the
     * group exists this has no effect, so an embedding application that started it first keeps its size.
     */
    public static void useThreads(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("event loop threads: " + n + " (expected: >= 1)");
        }
        threads = n;
    }

    private static void watch(MultiThreadIoEventLoopGroup g) {
        if (STALL_MILLIS > 0) {
            LoopWatchdog.watch(g, Duration.ofSeconds(1), Duration.ofMillis(STALL_MILLIS), new LoopWatchdog.Listener() {
                @Override
                public void stalled(String thread, Duration since, List<StackTraceElement> frames) {
                    STALL_LISTENERS.forEach(l -> l.stalled(thread, since, frames));
                }

                @Override
                public void recovered(String thread, Duration stalledFor) {
                    STALL_LISTENERS.forEach(l -> l.recovered(thread, stalledFor));
                }
            });
        }
    }

    /** Also tells {@code listener} of a loop that stalls (the log always hears of it). */
    public static void addStallListener(LoopWatchdog.Listener listener) {
        STALL_LISTENERS.add(listener);
    }

    public static void removeStallListener(LoopWatchdog.Listener listener) {
        STALL_LISTENERS.remove(listener);
    }

    /** The group's loop that runs the calling thread, or null when called from any other thread. */
    public static EventLoop current() {
        MultiThreadIoEventLoopGroup g = group;
        if (g != null) {
            for (EventExecutor e : g) {
                if (e.inEventLoop()) {
                    return (EventLoop) e;
                }
            }
        }
        return null;
    }

    /**
     * Runs {@code task} on {@code channel}'s loop: at once when called there, else as one task queued behind what the
     * loop already has (a close queued just before runs first). If the loop has shut down nothing is sent any more,
     * and the task runs on the caller's thread.
     */
    public static void runOnLoop(Channel channel, Runnable task) {
        EventLoop loop = channel.eventLoop();
        if (loop.inEventLoop()) {
            task.run();
            return;
        }
        try {
            loop.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            task.run();
        }
    }

    public static Class<? extends Channel> socketChannel() {
        return EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    public static Class<? extends ServerChannel> serverSocketChannel() {
        return EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    public static Class<? extends DatagramChannel> datagramChannel() {
        return EPOLL ? EpollDatagramChannel.class : NioDatagramChannel.class;
    }
}
