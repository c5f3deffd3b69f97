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
import io.netty.util.concurrent.DefaultEventExecutorChooserFactory;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorChooserFactory;
import io.netty.util.concurrent.ThreadPerTaskExecutor;

/**
 * The one event loop group of the process, shared by transports, the SOCKS listener and dialers, so a
 * relayed byte never changes threads more than it must. Native epoll when available, NIO otherwise.
 *
 * <p>Affinity: a relayed socket works best on the loop of the SSH carrier it relays through (no hand-over between
 * threads per packet, as in Netty's proxy example). Dialers connect with {@link #current()}'s loop; an acceptor
 * registers its child where {@link #registerOn} says. Measured: +23 % connects/s (docs/performance.md).
 */
public final class EventLoops {

    private static final boolean EPOLL = Epoll.isAvailable() && !Boolean.getBoolean("alknet.nio");
    private static volatile MultiThreadIoEventLoopGroup group;
    /** The loop the group hands out next on this thread, while {@link #registerOn} runs. */
    private static final ThreadLocal<EventLoop> PREFERRED = new ThreadLocal<>();

    private EventLoops() {
    }

    public static MultiThreadIoEventLoopGroup group() {
        MultiThreadIoEventLoopGroup g = group;
        if (g == null) {
            synchronized (EventLoops.class) {
                g = group;
                if (g == null) {
                    IoHandlerFactory io = EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
                    int threads = Integer.getInteger("alknet.eventLoopThreads", Runtime.getRuntime().availableProcessors());
                    g = new MultiThreadIoEventLoopGroup(threads,
                            new ThreadPerTaskExecutor(new DefaultThreadFactory("alknet-io", true)), PREFERRING, io);
                    group = g;
                }
            }
        }
        return g;
    }

    /** The group's loop this thread runs, or null on any other thread. */
    public static EventLoop current() {
        for (EventExecutor e : group()) {
            if (e.inEventLoop()) {
                return (EventLoop) e;
            }
        }
        return null;
    }

    /** Runs {@code action} with the group handing out {@code loop} (one of its own) to registrations on this thread. */
    public static void registerOn(EventLoop loop, Runnable action) {
        EventLoop before = PREFERRED.get();
        PREFERRED.set(loop);
        try {
            action.run();
        } finally {
            if (before == null) {
                PREFERRED.remove();
            } else {
                PREFERRED.set(before);
            }
        }
    }

    private static final EventExecutorChooserFactory PREFERRING = executors -> {
        EventExecutorChooserFactory.EventExecutorChooser roundRobin =
                DefaultEventExecutorChooserFactory.INSTANCE.newChooser(executors);
        return () -> {
            EventLoop preferred = PREFERRED.get();
            return preferred != null ? preferred : roundRobin.next();
        };
    };

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
