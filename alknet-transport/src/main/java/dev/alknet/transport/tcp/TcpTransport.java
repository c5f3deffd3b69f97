package dev.alknet.transport.tcp;

import dev.alknet.transport.ConnectErrors;
import dev.alknet.transport.Endpoint;
import dev.alknet.transport.EventLoops;
import dev.alknet.transport.StreamAcceptor;
import dev.alknet.transport.StreamReady;
import dev.alknet.transport.Transport;
import dev.alknet.transport.TransportException;
import dev.alknet.transport.TransportListener;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/** Plain TCP: the SSH stream is the socket itself. */
public final class TcpTransport implements Transport {

    private final Duration connectTimeout;

    public TcpTransport(Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
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
        return connect(endpoint, () -> new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
            }
        });
    }

    /**
     * Dials {@code endpoint} with {@code firstHandlers} installed before the channel connects (TLS or an
     * upstream proxy handler ride on this); the future completes once the TCP connection is up.
     */
    public CompletableFuture<Channel> connect(Endpoint endpoint, Supplier<ChannelHandler> firstHandlers) {
        CompletableFuture<Channel> result = new CompletableFuture<>();
        Bootstrap b = configure(new Bootstrap(), connectTimeout).handler(firstHandlers.get());
        b.connect(endpoint.unresolved()).addListener(f -> {
            if (f.isSuccess()) {
                result.complete(((io.netty.channel.ChannelFuture) f).channel());
            } else {
                result.completeExceptionally(ConnectErrors.describe(endpoint, f.cause()));
            }
        });
        return result;
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
        return bind(endpoint, ch -> ch.pipeline().addLast(new StreamReady(acceptor)));
    }

    /** Binds {@code endpoint}; {@code init} sets up each accepted socket's pipeline (TLS adds its handler). */
    public static TransportListener bind(Endpoint endpoint, java.util.function.Consumer<Channel> init)
            throws TransportException {
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
                        init.accept(ch);
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
