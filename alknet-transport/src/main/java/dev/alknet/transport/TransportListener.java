package dev.alknet.transport;

import java.net.InetSocketAddress;

/** A bound listener of one transport. Closing it stops accepting; streams already accepted stay open. */
public interface TransportListener extends AutoCloseable {

    InetSocketAddress localAddress();

    Endpoint endpoint();

    @Override
    void close();
}
