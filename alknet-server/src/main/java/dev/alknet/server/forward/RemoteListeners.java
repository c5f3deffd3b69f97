package dev.alknet.server.forward;

import dev.alknet.core.channel.ChannelOpener;
import dev.alknet.core.channel.OpenThenRelay;
import dev.alknet.core.config.HostPort;
import dev.alknet.core.forward.ForwardingRules;
import dev.alknet.core.forward.RemoteListen;
import dev.alknet.core.ssh.SshSession;
import dev.alknet.server.dial.HostLiteral;
import dev.alknet.transport.EventLoops;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's {@code -R} listeners ({@code tcpip-forward}, RFC 4254 §7.1): binds where the {@link ForwardingRules}
 * let the session listen, and turns each accepted connection into a {@code forwarded-tcpip} channel to the client,
 * opened by the one {@link ChannelOpener} and relayed by the shared relay ({@link OpenThenRelay}) as {@code -L} and
 * SOCKS are. A session's listeners close with it; a drain closes them all ({@link #closeAll}) while connections
 * already forwarded carry on.
 */
public final class RemoteListeners implements RemoteListen {

    private static final Logger log = LoggerFactory.getLogger(RemoteListeners.class);
    /** Bound on the client's answer to a forwarded-tcpip open (it connects to its target first). */
    static final Duration OPEN_TIMEOUT = Duration.ofSeconds(30);
    static final String NAME = "forward-R";

    private final ForwardingRules rules;
    /** Listener channels by session, each under the address the client asked for (with the port it got). */
    private final Map<SshSession, Map<HostPort, Channel>> bySession = new ConcurrentHashMap<>();
    private final AtomicInteger openChannels = new AtomicInteger();

    public RemoteListeners(ForwardingRules rules) {
        this.rules = rules;
    }

    @Override
    public int listen(SshSession session, HostPort requested) throws IOException {
        if (!rules.canListen(requested, session)) {
            throw new IOException("not allowed to listen on " + requested);
        }
        InetSocketAddress bind = new InetSocketAddress(bindAddress(requested.host()), requested.port());
        EventLoop home = EventLoops.current();
        ChannelFuture bound = new ServerBootstrap()
                // Bound from the session's thread, which waits: the listener runs on the spare loop, which never
                // waits for another loop (a session loop would: two sessions binding at once on each other's loop
                // deadlocked both, and with them every session on those loops). Its connections run on the
                // session's own loop, as dialed destinations do (ADR 0016).
                .group(EventLoops.spare(), home != null ? home : EventLoops.group())
                .channel(EventLoops.serverSocketChannel())
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(NAME, connection(session, requested.host(), ch));
                    }
                })
                .bind(bind).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            throw new IOException("cannot listen on " + requested + ": " + bound.cause(), bound.cause());
        }
        Channel listener = bound.channel();
        InetSocketAddress local = (InetSocketAddress) listener.localAddress();
        HostPort key = new HostPort(requested.host(), local.getPort());
        Map<HostPort, Channel> listeners = listenersOf(session);
        listeners.put(key, listener);
        if (!session.isOpen() || bySession.get(session) != listeners) {
            // the session closed meanwhile and its listeners were closed before this one was noted
            listeners.remove(key);
            listener.close();
            throw new IOException("session closed");
        }
        log.info("{}@{}: -R listening on {}:{}", session.user(), session.remoteAddress(), local.getHostString(),
                local.getPort());
        return local.getPort();
    }

    /**
     * The address to bind for {@code host}, never looked up: this runs on the session's loop, and a name on a slow
     * DNS (one a client can pick, with --allow-remote-bind) would stall every session on it. An IP literal or
     * {@code localhost}; a name is refused.
     */
    static InetAddress bindAddress(String host) throws IOException {
        if (ServerForwardingFilter.isLocalhostName(host)) {
            return InetAddress.getLoopbackAddress();
        }
        HostLiteral.Host literal = HostLiteral.parse(host);
        if (!literal.isAddress()) {
            throw new IOException("cannot listen on '" + host + "': give an IP address or localhost");
        }
        return literal.address();
    }

    /** The handler of one accepted connection: a forwarded-tcpip channel to the session's client, then the relay. */
    private OpenThenRelay connection(SshSession session, String listenHost, Channel ch) {
        int port = ((InetSocketAddress) ch.localAddress()).getPort();
        return new OpenThenRelay(NAME, ctx -> ChannelOpener.forwardedTcpip(session.channels(),
                new HostPort(listenHost, port), OpenThenRelay.originator(ch.remoteAddress()), OPEN_TIMEOUT,
                ctx.executor(), openChannels),
                e -> log.debug("{}: -R connection on port {} not forwarded: {}", session, port, e.toString()));
    }

    @Override
    public void cancel(SshSession session, HostPort requested) {
        Map<HostPort, Channel> listeners = bySession.get(session);
        Channel listener = listeners == null ? null : listeners.remove(requested);
        if (listener != null) {
            listener.close();
        }
    }

    /** The session's listeners; the first call registers their closing with the session's close. */
    private Map<HostPort, Channel> listenersOf(SshSession session) {
        Map<HostPort, Channel> listeners = bySession.get(session);
        if (listeners == null) {
            Map<HostPort, Channel> fresh = new ConcurrentHashMap<>();
            listeners = bySession.putIfAbsent(session, fresh);
            if (listeners == null) {
                listeners = fresh;
                session.onClose(() -> closeSession(session)); // runs at once if already closed
            }
        }
        return listeners;
    }

    private void closeSession(SshSession session) {
        Map<HostPort, Channel> listeners = bySession.remove(session);
        if (listeners != null) {
            listeners.values().forEach(Channel::close);
        }
    }

    /** Listeners currently open. */
    public int count() {
        return bySession.values().stream().mapToInt(Map::size).sum();
    }

    /** Unbinds every {@code -R} listener; connections they accepted stay up. */
    public void closeAll() {
        bySession.values().forEach(listeners -> {
            listeners.values().forEach(Channel::close);
            listeners.clear();
        });
    }
}
