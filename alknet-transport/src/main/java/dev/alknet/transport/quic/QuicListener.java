package dev.alknet.transport.quic;

import dev.alknet.transport.Admission;
import dev.alknet.transport.ConnectErrors;
import dev.alknet.transport.Endpoint;
import dev.alknet.transport.ReadGate;
import dev.alknet.transport.StreamAcceptor;
import dev.alknet.transport.StreamReady;
import dev.alknet.transport.TransportException;
import dev.alknet.transport.TransportListener;
import dev.alknet.transport.TransportSettings;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicChannelOption;
import io.netty.handler.codec.quic.QuicServerCodecBuilder;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamType;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A QUIC server socket: each bidirectional stream a client opens is handed to the acceptor (autoRead
 * off, half-closure allowed). A connection closes when its last stream has closed ({@link QuicLinger}),
 * or if no stream arrives within the handshake limit ({@link TransportSettings#connectTimeout()}, 10 s) of its
 * first packet. Connections run on the UDP socket's event loop.
 *
 * <p>A client's address is validated before any connection state exists: its first Initial gets a Retry with
 * a {@link RetryTokens} token, and only an Initial that returns a valid one from the same address makes a
 * connection, which is then counted by the {@link Admission} (a refused one is closed at once).
 */
final class QuicListener implements TransportListener {

    private static final Logger log = LoggerFactory.getLogger(QuicListener.class);

    private final Endpoint endpoint;
    private final Set<QuicChannel> live = ConcurrentHashMap.newKeySet();
    private volatile boolean closing;
    private volatile Channel udp;

    private QuicListener(Endpoint endpoint) {
        this.endpoint = endpoint;
    }

    static QuicListener bind(Endpoint endpoint, QuicSslContext ssl, TransportSettings settings,
            Admission admission, StreamAcceptor acceptor) throws TransportException {
        QuicListener listener = new QuicListener(endpoint);
        ChannelHandler codec = QuicCodecs.configure(new QuicServerCodecBuilder(), settings, true)
                .sslContext(ssl)
                .tokenHandler(new RetryTokens())
                .option(QuicChannelOption.SEGMENTED_DATAGRAM_PACKET_ALLOCATOR, QuicCodecs.segments())
                .handler(new ChannelInitializer<QuicChannel>() {
                    @Override
                    protected void initChannel(QuicChannel quic) {
                        if (!listener.track(quic)) {
                            return;
                        }
                        InetSocketAddress peer = quic.remoteSocketAddress() instanceof InetSocketAddress a ? a : null;
                        log.debug("QUIC connection from {}", peer);
                        if (!Admission.admit(admission, quic, peer)) {
                            quic.close();
                            return;
                        }
                        quic.pipeline().addLast(new QuicKeepAlive(java.time.Duration.ZERO),
                                new QuicServerConnection(settings.connectTimeout()));
                    }
                })
                .streamOption(ChannelOption.AUTO_READ, false)
                .streamOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .streamHandler(new ChannelInitializer<QuicStreamChannel>() {
                    @Override
                    protected void initChannel(QuicStreamChannel stream) {
                        if (stream.type() != QuicStreamType.BIDIRECTIONAL) {
                            stream.close();
                            return;
                        }
                        QuicServerConnection conn = stream.parent().pipeline().get(QuicServerConnection.class);
                        if (conn != null) {
                            conn.streamOpened(stream);
                        }
                        stream.pipeline().addLast(new StreamReady(acceptor), new ReadGate());
                    }
                })
                .build();
        try {
            listener.udp = QuicCodecs.udp(codec)
                    .bind(endpoint.bindAddress())
                    .syncUninterruptibly()
                    .channel();
            return listener;
        } catch (Exception e) {
            throw new TransportException("cannot listen on " + endpoint + ": " + ConnectErrors.reason(e), e);
        }
    }

    @Override
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) udp.localAddress();
    }

    @Override
    public Endpoint endpoint() {
        return endpoint;
    }

    /** Registers a new connection; false (and closed) once the listener is closing. */
    private boolean track(QuicChannel quic) {
        if (closing) {
            quic.close();
            return false;
        }
        live.add(quic);
        quic.closeFuture().addListener(f -> {
            live.remove(quic);
            if (closing && live.isEmpty()) {
                udp.close();
            }
        });
        return true;
    }

    /**
     * Stops accepting: new connections are refused, while established ones (which share the UDP socket)
     * go on; the socket closes with the last of them.
     */
    @Override
    public void close() {
        closing = true;
        if (live.isEmpty()) {
            udp.close().syncUninterruptibly();
        }
    }
}
