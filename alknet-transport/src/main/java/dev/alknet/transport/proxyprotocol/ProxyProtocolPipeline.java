package dev.alknet.transport.proxyprotocol;

import io.netty.channel.Channel;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import java.net.InetSocketAddress;
import java.util.function.Predicate;

/** Where a PROXY-protocol listener's accepted socket starts: before admission, TLS and the stealth gate. */
public final class ProxyProtocolPipeline {

    private ProxyProtocolPipeline() {
    }

    /**
     * Sets up {@code ch} (accepted from {@code peer}) for {@code proxy}. A trusted peer gets the header decoder;
     * {@code proceed} (admission, then the listener's handlers) runs once the header named the client. Anyone
     * else goes through {@code proceed} now, behind a check that refuses a header. False: close {@code ch}.
     */
    public static boolean start(Channel ch, InetSocketAddress peer, ProxyProtocol proxy,
            Predicate<InetSocketAddress> proceed) {
        if (peer != null && proxy.trusts(peer.getAddress())) {
            ch.pipeline().addLast(new HAProxyMessageDecoder(ProxyProtocol.MAX_TLV_BYTES),
                    new ProxyHeaderGate(proxy.timeout().toNanos(), proceed));
            return true;
        }
        ch.pipeline().addLast(new ForgedHeaderCheck());
        return proceed.test(peer);
    }
}
