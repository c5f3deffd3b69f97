package dev.alknet.transport;

import io.netty.channel.Channel;

/** Receives each inbound stream of a {@link TransportListener}; called on the stream's event loop. */
@FunctionalInterface
public interface StreamAcceptor {
    void accept(Channel stream);
}
