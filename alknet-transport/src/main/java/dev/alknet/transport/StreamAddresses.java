package dev.alknet.transport;

import io.netty.channel.Channel;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicStreamChannel;
import dev.alknet.transport.proxyprotocol.ProxyProtocol;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * The socket addresses behind a transport's stream. For TCP and TLS they are the channel's own (through a
 * proxy, the remote one is the proxy's); a QUIC stream's {@code remoteAddress()} is only a stream id
 * ({@code QuicStreamAddress}), so these return its connection's UDP peer and local address instead. Behind a
 * trusted PROXY-protocol balancer, the remote address is the client its header named.
 */
public final class StreamAddresses {

    private StreamAddresses() {
    }

    public static SocketAddress remote(Channel stream) {
        if (stream instanceof QuicStreamChannel s) {
            return s.parent().remoteSocketAddress();
        }
        if (stream instanceof QuicChannel q) {
            return q.remoteSocketAddress();
        }
        InetSocketAddress client = ProxyProtocol.client(stream);
        return client != null ? client : stream.remoteAddress();
    }

    public static SocketAddress local(Channel stream) {
        if (stream instanceof QuicStreamChannel s) {
            return s.parent().localSocketAddress();
        }
        if (stream instanceof QuicChannel q) {
            return q.localSocketAddress();
        }
        return stream.localAddress();
    }
}
