package dev.alknet.client.forward;

import dev.alknet.client.SessionProvider;
import dev.alknet.core.config.HostPort;
import dev.alknet.transport.EventLoops;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code -L} forward: a local listener whose every connection becomes a {@code direct-tcpip} channel to the
 * spec's target, relayed like a SOCKS connection (same backpressure and half-close).
 *
 * <p>The listener is our own Netty server, not MINA's {@code startLocalPortForwarding}, so it belongs to no
 * session: it stays bound across reconnects, and a connection made while the tunnel is down waits for the
 * next session like a SOCKS request does.
 */
public final class LocalForwarder implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalForwarder.class);

    private final ForwardSpec spec;
    private final Channel listener;
    private final ChannelGroup connections;

    private LocalForwarder(ForwardSpec spec, Channel listener, ChannelGroup connections) {
        this.spec = spec;
        this.listener = listener;
        this.connections = connections;
    }

    /**
     * Binds the listener on the shared event loops.
     *
     * @param openTimeout bound on waiting for a session plus the server's answer to the channel open
     * @throws UncheckedIOException if the bind address cannot be bound
     */
    public static LocalForwarder start(ForwardSpec spec, SessionProvider sessions, Duration openTimeout) {
        InetSocketAddress bind = bindAddress(spec);
        ChannelGroup connections = new DefaultChannelGroup("forward-L", GlobalEventExecutor.INSTANCE);
        LocalForwardContext context = new LocalForwardContext(spec, sessions,
                new HostPort(spec.targetHost(), spec.targetPort()), openTimeout, new AtomicInteger());
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(EventLoops.group())
                .channel(EventLoops.serverSocketChannel())
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        connections.add(ch);
                        ch.pipeline().addLast(LocalForwardHandler.NAME, LocalForwardHandler.create(context));
                    }
                });
        ChannelFuture bound = bootstrap.bind(bind).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            // The message is on the cause: the CLI prints the cause of an UncheckedIOException.
            Throwable cause = bound.cause();
            BindException e = new BindException("-L " + spec + ": cannot listen on " + hostPort(bind) + ": "
                    + (cause.getMessage() != null ? cause.getMessage() : cause.toString()));
            e.initCause(cause);
            throw new UncheckedIOException(e);
        }
        LocalForwarder forwarder = new LocalForwarder(spec, bound.channel(), connections);
        log.debug("-L {} listening on {}", spec, forwarder.localAddress());
        return forwarder;
    }

    private static InetSocketAddress bindAddress(ForwardSpec spec) {
        if (spec.bindHost() == null) {
            // OpenSSH's default (GatewayPorts no): only this machine may use the forward.
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), spec.bindPort());
        }
        if (spec.bindsEverywhere()) {
            return new InetSocketAddress(spec.bindPort());
        }
        InetSocketAddress a = new InetSocketAddress(spec.bindHost(), spec.bindPort());
        if (a.isUnresolved()) {
            throw new UncheckedIOException(new IOException("-L " + spec + ": cannot resolve bind address '"
                    + spec.bindHost() + "'"));
        }
        return a;
    }

    private static String hostPort(InetSocketAddress a) {
        return ForwardSpec.bracket(a.getAddress().getHostAddress()) + ":" + a.getPort();
    }

    public ForwardSpec spec() {
        return spec;
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) listener.localAddress();
    }

    /** Accepted connections not closed yet, opening or relaying. */
    public int openConnections() {
        return connections.size();
    }

    /** Stops accepting; connections already accepted carry on. */
    @Override
    public void close() {
        listener.close().awaitUninterruptibly();
    }

    /** Stops accepting and closes every connection together with its SSH channel. */
    public void closeAll() {
        close();
        connections.close().awaitUninterruptibly();
    }
}
