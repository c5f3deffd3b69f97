package dev.alknet.client.socks;

import dev.alknet.client.SessionProvider;
import dev.alknet.client.socks.udp.UdpCounters;
import dev.alknet.transport.EventLoops;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Local proxy server that carries every connection over its own SSH {@code direct-tcpip} channel of the session
 * handed out by a {@link SessionProvider}. One port answers SOCKS5 (RFC 1928, with RFC 1929 username/password
 * when {@link SocksOptions#credentials()} are set; CONNECT and UDP ASSOCIATE), SOCKS4/4a and HTTP proxy requests
 * (CONNECT and plain {@code GET http://...}); {@link SocksVersionSniffer} tells them apart by the first byte.
 *
 * <p>The reply to a CONNECT is sent only after the server confirmed the channel, i.e. after it dialled the
 * destination, so the reply code tells the truth (see {@link SocksReplyMapper}). Bytes are relayed with
 * end-to-end backpressure and half-close in both directions.
 */
public final class SocksServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SocksServer.class);

    private final Channel listener;
    private final ChannelGroup connections;
    private final AtomicInteger openRelays;
    private final UdpCounters udp;

    private SocksServer(Channel listener, ChannelGroup connections, AtomicInteger openRelays, UdpCounters udp) {
        this.listener = listener;
        this.connections = connections;
        this.openRelays = openRelays;
        this.udp = udp;
    }

    /**
     * Binds the listener on the shared event loops.
     *
     * @throws UncheckedIOException wrapping the {@link java.net.BindException} if the address cannot be bound
     */
    public static SocksServer start(InetSocketAddress bind, SessionProvider sessions, SocksOptions opts) {
        Objects.requireNonNull(sessions, "sessions");
        AtomicInteger openRelays = new AtomicInteger();
        return start(bind, sessions, new TunnelUpstream(sessions, opts.openTimeout(), openRelays), openRelays, opts);
    }

    /**
     * As {@link #start(InetSocketAddress, SessionProvider, SocksOptions)}, with CONNECTs going to {@code upstream}
     * (which counts its open relays in {@code openRelays}); {@code sessions} may be null when the upstream offers
     * no UDP.
     */
    public static SocksServer start(InetSocketAddress bind, SessionProvider sessions, Upstream upstream,
            AtomicInteger openRelays, SocksOptions opts) {
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(upstream, "upstream");
        Objects.requireNonNull(opts, "opts");
        ChannelGroup connections = new DefaultChannelGroup("socks", GlobalEventExecutor.INSTANCE);
        UdpCounters udp = new UdpCounters();
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(EventLoops.group())
                .channel(EventLoops.serverSocketChannel())
                // Reads are driven by the handlers: nothing is read faster than it can be forwarded.
                .childOption(ChannelOption.AUTO_READ, false)
                // A client's FIN must become an SSH EOF, not a close: the answer may still be coming.
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new SocksServerInitializer(new SocksContext(sessions, opts, openRelays, udp, upstream),
                        connections));
        ChannelFuture bound = bootstrap.bind(bind).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            Throwable cause = bound.cause();
            if (cause instanceof IOException io) {
                throw new UncheckedIOException("SOCKS listener " + bind + ": " + io.getMessage(), io);
            }
            throw new IllegalStateException("SOCKS listener " + bind + ": " + cause, cause);
        }
        SocksServer server = new SocksServer(bound.channel(), connections, openRelays, udp);
        log.debug("SOCKS listener bound to {}", server.localAddress());
        return server;
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) listener.localAddress();
    }

    /** Accepted SOCKS connections that are not closed yet, in any stage. */
    public int openConnections() {
        return connections.size();
    }

    /** SSH channels opened for SOCKS requests (opening or relaying) that are not closed yet. */
    public int openRelays() {
        return openRelays.get();
    }

    /** What the UDP associations did so far (open ones, datagrams relayed and dropped). */
    public UdpCounters udpCounters() {
        return udp;
    }

    /** Stops accepting new connections; connections already accepted carry on. */
    @Override
    public void close() {
        listener.close().awaitUninterruptibly();
    }

    /** Stops accepting and closes every open connection together with its SSH channel. */
    public void closeAll() {
        close();
        connections.close().awaitUninterruptibly();
    }
}
