package dev.alknet.transport.tcp;

import dev.alknet.transport.Admission;
import dev.alknet.transport.ConnectErrors;
import dev.alknet.transport.Endpoint;
import dev.alknet.transport.EventLoops;
import dev.alknet.transport.ShutInputReads;
import dev.alknet.transport.StreamAcceptor;
import dev.alknet.transport.StreamReady;
import dev.alknet.transport.Transport;
import dev.alknet.transport.TransportException;
import dev.alknet.transport.TransportListener;
import dev.alknet.transport.proxy.ViaProxy;
import dev.alknet.transport.proxyprotocol.ProxyProtocol;
import dev.alknet.transport.proxyprotocol.ProxyProtocolPipeline;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Predicate;

/** Plain TCP: the SSH stream is the socket itself, optionally dialled through a SOCKS5/HTTP proxy. */
public final class TcpTransport implements Transport {

    private final TcpDialer dialer;
    private final ProxyProtocol proxyProtocol;

    public TcpTransport(Duration connectTimeout) {
        this(connectTimeout, null);
    }

    /** {@code via} may be null (direct connections). */
    public TcpTransport(Duration connectTimeout, ViaProxy via) {
        this(connectTimeout, via, null, null);
    }

    /** {@code proxyProtocol}: listeners read PROXY headers from these sources (null: none). */
    public TcpTransport(Duration connectTimeout, ViaProxy via, ProxyProtocol proxyProtocol) {
        this(connectTimeout, via, null, proxyProtocol);
    }

    /**
     * {@code streams}: streams through a jump host instead of sockets, or null; {@code proxyProtocol}: listeners read
     * PROXY headers from these sources (null: none).
     */
    public TcpTransport(Duration connectTimeout, ViaProxy via, dev.alknet.transport.StreamSource streams,
            ProxyProtocol proxyProtocol) {
        this.dialer = new TcpDialer(connectTimeout, via, streams);
        this.proxyProtocol = proxyProtocol;
    }

    @Override
    public String scheme() {
        return "tcp";
    }

    @Override
    public int defaultPort() {
        return 22;
    }

    @Override
    public CompletableFuture<Channel> connect(Endpoint endpoint) {
        return dialer.dial(endpoint, null);
    }

    /** The socket options every alknet TCP stream gets, listening or dialling. */
    public static Bootstrap configure(Bootstrap b, Duration connectTimeout) {
        return b.group(EventLoops.group())
                .channel(EventLoops.socketChannel())
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis());
    }

    @Override
    public TransportListener listen(Endpoint endpoint, StreamAcceptor acceptor) throws TransportException {
        return listen(endpoint, Admission.ANY, acceptor);
    }

    @Override
    public TransportListener listen(Endpoint endpoint, Admission admission, StreamAcceptor acceptor)
            throws TransportException {
        return bind(endpoint, admission, proxyProtocol, ch -> ch.pipeline().addLast(new StreamReady(acceptor)));
    }

    /**
     * Binds {@code endpoint}; each accepted socket is first passed through {@code admission} (a refused one is closed
     * before its pipeline is set up), then {@code init} sets up its pipeline (TLS adds its handler). With
     * {@code proxyProtocol} (may be null), a trusted peer's PROXY header comes first of all, and admission and
     * {@code init} see the client it names.
     */
    public static TransportListener bind(Endpoint endpoint, Admission admission, ProxyProtocol proxyProtocol,
            Consumer<Channel> init) throws TransportException {
        ServerBootstrap b = new ServerBootstrap()
                .group(EventLoops.group())
                .channel(EventLoops.serverSocketChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addFirst(ShutInputReads.NAME, ShutInputReads.INSTANCE);
                        InetSocketAddress peer = ch.remoteAddress() instanceof InetSocketAddress a ? a : null;
                        Predicate<InetSocketAddress> proceed = client -> {
                            if (!Admission.admit(admission, ch, client)) {
                                return false;
                            }
                            init.accept(ch);
                            return true;
                        };
                        boolean admitted = proxyProtocol == null ? proceed.test(peer)
                                : ProxyProtocolPipeline.start(ch, peer, proxyProtocol, proceed);
                        if (!admitted) {
                            ch.close();
                        }
                    }
                });
        try {
            Channel server = b.bind(endpoint.bindAddress()).syncUninterruptibly().channel();
            return new BoundListener(endpoint, server);
        } catch (Exception e) {
            throw new TransportException("cannot listen on " + endpoint + ": " + ConnectErrors.reason(e), e);
        }
    }

    private record BoundListener(Endpoint endpoint, Channel server) implements TransportListener {
        @Override
        public InetSocketAddress localAddress() {
            return (InetSocketAddress) server.localAddress();
        }

        @Override
        public void close() {
            server.close().syncUninterruptibly();
        }
    }
}
