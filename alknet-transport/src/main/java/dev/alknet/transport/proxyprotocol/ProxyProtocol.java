package dev.alknet.transport.proxyprotocol;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import dev.alknet.transport.Cidr;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * PROXY protocol v1/v2 on a server's tcp and tls listeners: peers in {@code trusted} (the load balancers) must
 * start with a PROXY header, which names the real client; anyone else must not (a forged header from elsewhere is
 * refused). Fail closed both ways: a trusted peer without a header is closed too.
 *
 * @param trusted which peers speak for their clients
 * @param timeout how long a trusted peer has to send its header
 */
public record ProxyProtocol(List<Cidr> trusted, Duration timeout) {

    /** The client named by a trusted PROXY header, kept on the socket channel (see StreamAddresses). */
    public static final AttributeKey<InetSocketAddress> CLIENT = AttributeKey.valueOf("alknet.proxy-protocol.client");

    /** v2's TLVs beyond this many bytes are refused (HAProxy sends none unless told to). */
    static final int MAX_TLV_BYTES = 1024;

    public ProxyProtocol {
        trusted = List.copyOf(trusted);
        if (trusted.isEmpty()) {
            throw new IllegalArgumentException("PROXY protocol needs at least one trusted source");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("PROXY header timeout must be positive: " + timeout);
        }
    }

    public boolean trusts(InetAddress peer) {
        return trusted.stream().anyMatch(c -> c.contains(peer));
    }

    /** The client a trusted header named for {@code ch}, or null (no PROXY protocol, or a direct peer). */
    public static InetSocketAddress client(Channel ch) {
        return ch.hasAttr(CLIENT) ? ch.attr(CLIENT).get() : null;
    }
}
