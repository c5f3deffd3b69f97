package dev.alknet.transport;

import io.netty.channel.Channel;
import java.util.concurrent.CompletableFuture;

/**
 * Where tcp and tls get the byte stream to a server when it is not a socket of their own: a jump host's
 * {@code direct-tcpip} channel ({@code alknet connect --jump}). The transport then runs its handshake (TLS) on the
 * stream as it would on a socket.
 */
@FunctionalInterface
public interface StreamSource {

    /**
     * Opens a stream to {@code endpoint}'s host and port: an active Netty channel with autoRead off and nothing read
     * yet. Fails with a {@link TransportException} whose message is the one-line reason (without the endpoint).
     */
    CompletableFuture<Channel> open(Endpoint endpoint);
}
