package dev.alknet.client.socks;

import dev.alknet.core.log.DenialLog;
import io.netty.channel.Channel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;

/**
 * The pipeline of an accepted connection before its first byte: the handshake deadline and the sniffer, which
 * installs the dialect's handlers. Later stages rewrite it. The names are shared by every dialect.
 */
final class SocksServerInitializer extends ChannelInitializer<Channel> {

    static final String TIMEOUT = "socks-timeout";
    static final String SNIFFER = "socks-sniffer";
    static final String ENCODER = "socks5-encoder";
    static final String GREETING_DECODER = "socks5-greeting-decoder";
    static final String AUTH_DECODER = "socks5-auth-decoder";
    static final String REQUEST_DECODER = "socks5-request-decoder";
    static final String HANDLER = "socks5-handler";

    private static final Logger LOG = LoggerFactory.getLogger(SocksServerInitializer.class);
    /** Refusals are worth a line (why a LAN device gets nowhere), but a scanner must not flood the log. */
    private static final DenialLog REFUSALS = new DenialLog(LOG::info, System::nanoTime,
            "refused proxy connections");

    private final SocksContext context;
    private final ChannelGroup connections;

    SocksServerInitializer(SocksContext context, ChannelGroup connections) {
        this.context = context;
        this.connections = connections;
    }

    @Override
    protected void initChannel(Channel ch) {
        InetAddress peer = ch.remoteAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
        if (!context.options().allows(peer)) {
            // --socks-allow: a source outside the list learns nothing, not even that this is a proxy
            REFUSALS.denied("proxy connection from {} refused: not in --socks-allow", ch.remoteAddress());
            ch.close();
            return;
        }
        connections.add(ch);
        ch.pipeline()
                .addLast(TIMEOUT, new HandshakeTimeoutHandler(context.options().handshakeTimeout()))
                .addLast(SNIFFER, new SocksVersionSniffer(context));
    }
}
