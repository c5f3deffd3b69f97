package dev.alknet.transport.quic;

import dev.alknet.transport.ConnectErrors;
import dev.alknet.transport.Endpoint;
import dev.alknet.transport.ReadGate;
import dev.alknet.transport.Resolver;
import dev.alknet.transport.TransportException;
import dev.alknet.transport.TransportSettings;
import dev.alknet.transport.tls.ClientTls;
import dev.alknet.transport.tls.TlsErrors;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicChannelOption;
import io.netty.handler.codec.quic.QuicClientCodecBuilder;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamType;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

/**
 * One QUIC dial: its own UDP socket and QUIC connection, carrying one bidirectional stream that is
 * handed out. The stream owns the rest: when it closes, the connection closes (after {@link QuicLinger}),
 * and with it the UDP socket.
 */
final class QuicDialer {

    private final TransportSettings settings;

    QuicDialer(TransportSettings settings) {
        this.settings = settings;
    }

    CompletableFuture<Channel> dial(Endpoint endpoint) {
        CompletableFuture<Channel> result = new CompletableFuture<>();
        ClientTls tls = new ClientTls(settings.tlsClient(), endpoint, settings.strict());
        QuicSslContext ssl;
        try {
            ssl = tls.quicContext();
        } catch (TransportException e) {
            result.completeExceptionally(new TransportException(endpoint + ": " + e.getMessage(), e));
            return result;
        }
        Resolver.resolve(endpoint.host(), endpoint.port()).whenComplete((address, error) -> {
            if (error != null) {
                result.completeExceptionally(ConnectErrors.describe(endpoint, Resolver.unwrap(error)));
            } else {
                openSocket(endpoint, address, tls, ssl, result);
            }
        });
        return result;
    }

    private void openSocket(Endpoint endpoint, InetSocketAddress address, ClientTls tls, QuicSslContext ssl,
            CompletableFuture<Channel> result) {
        String sni = tls.sni();
        ChannelHandler codec = QuicCodecs.configure(new QuicClientCodecBuilder(), settings, false)
                .sslEngineProvider(q -> sni == null ? ssl.newEngine(q.alloc())
                        : ssl.newEngine(q.alloc(), sni, endpoint.port()))
                .build();
        QuicCodecs.udp(codec)
                .bind(0)
                .addListener((ChannelFuture bound) -> {
                    if (!bound.isSuccess()) {
                        result.completeExceptionally(new TransportException(endpoint
                                + ": cannot open a UDP socket: " + ConnectErrors.reason(bound.cause()), bound.cause()));
                    } else {
                        handshake(endpoint, address, bound.channel(), tls, result);
                    }
                });
    }

    private void handshake(Endpoint endpoint, InetSocketAddress address, Channel udp, ClientTls tls,
            CompletableFuture<Channel> result) {
        QuicChannel.newBootstrap(udp)
                .handler(new QuicKeepAlive(settings.quicKeepAlive()))
                .streamHandler(new RefuseServerStreams())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.connectTimeout().toMillis())
                .option(QuicChannelOption.SEGMENTED_DATAGRAM_PACKET_ALLOCATOR, QuicCodecs.segments())
                .remoteAddress(address)
                .connect()
                .addListener(f -> {
                    if (!f.isSuccess()) {
                        udp.close();
                        result.completeExceptionally(new TransportException(endpoint + ": "
                                + QuicErrors.describe(f.cause(), tls, settings.connectTimeout()), f.cause()));
                        return;
                    }
                    QuicChannel quic = (QuicChannel) f.getNow();
                    quic.closeFuture().addListener(c -> udp.close());
                    String alpn = quic.sslEngine() == null ? null : quic.sslEngine().getApplicationProtocol();
                    if (!tls.expectedQuicAlpn().equals(alpn)) {
                        quic.close();
                        result.completeExceptionally(new TransportException(endpoint + ": " + TlsErrors.ALPN_REFUSED));
                        return;
                    }
                    openStream(endpoint, quic, result);
                });
    }

    private static void openStream(Endpoint endpoint, QuicChannel quic, CompletableFuture<Channel> result) {
        quic.newStreamBootstrap()
                .type(QuicStreamType.BIDIRECTIONAL)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .handler(new ReadGate())
                .create()
                .addListener(f -> {
                    if (!f.isSuccess()) {
                        quic.close();
                        result.completeExceptionally(new TransportException(endpoint
                                + ": cannot open a QUIC stream: " + ConnectErrors.reason(f.cause()), f.cause()));
                        return;
                    }
                    QuicStreamChannel stream = (QuicStreamChannel) f.getNow();
                    stream.closeFuture().addListener(c -> QuicLinger.closeLater(quic));
                    if (!result.complete(stream)) {
                        stream.close();
                    }
                });
    }

    /** The client allows the server no streams; should one appear anyway, it is closed. */
    @ChannelHandler.Sharable
    private static final class RefuseServerStreams extends ChannelInboundHandlerAdapter {
        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.close();
        }
    }
}
