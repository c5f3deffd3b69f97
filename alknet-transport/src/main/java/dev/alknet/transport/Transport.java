package dev.alknet.transport;

import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

/**
 * A way to carry one duplex byte stream between client and server (TCP, TLS over TCP, a QUIC stream).
 *
 * <p>Streams handed out by a transport are Netty channels that are active, have finished every
 * transport-level handshake, and have {@code autoRead} switched off: nothing has been read from the peer
 * yet. The user adds its own handler last in the pipeline and then turns reading on. Writes, half-close
 * ({@link io.netty.channel.socket.DuplexChannel#shutdownOutput()}) and close work as on a TCP socket.
 */
public interface Transport {

    /** The URL scheme this transport serves, e.g. {@code "tls"}. */
    String scheme();

    /** The port used when an address names none. */
    int defaultPort();

    /** Opens a stream to {@code endpoint}. Fails with {@link TransportException} carrying a one-line reason. */
    CompletableFuture<Channel> connect(Endpoint endpoint);

    /** Starts accepting streams on {@code endpoint}; each one is passed to {@code acceptor}. */
    TransportListener listen(Endpoint endpoint, StreamAcceptor acceptor) throws TransportException;

    /**
     * As {@link #listen(Endpoint, StreamAcceptor)}, with every peer first passed through {@code admission}. tcp, tls
     * and quic ask it at accept, before any handshake; this fallback (transports without a handshake of their own)
     * asks it when a stream is handed out.
     */
    default TransportListener listen(Endpoint endpoint, Admission admission, StreamAcceptor acceptor)
            throws TransportException {
        return listen(endpoint, stream -> {
            if (!Admission.admit(admission, stream, StreamAddresses.remote(stream) instanceof InetSocketAddress a
                    ? a : null)) {
                stream.close();
                return;
            }
            acceptor.accept(stream);
        });
    }
}
