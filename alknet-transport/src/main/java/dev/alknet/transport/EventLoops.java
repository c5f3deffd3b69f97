package dev.alknet.transport;

import io.netty.channel.Channel;
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

/**
 * The one event loop group of the process, shared by transports, the SOCKS listener and dialers, so a
 * relayed byte never changes threads more than it must. Native epoll when available, NIO otherwise.
 */
public final class EventLoops {

    private static final boolean EPOLL = Epoll.isAvailable() && !Boolean.getBoolean("alknet.nio");
    private static volatile MultiThreadIoEventLoopGroup group;

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
                    g = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("alknet-io", true), io);
                    group = g;
                }
            }
        }
        return g;
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
