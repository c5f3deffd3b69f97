package dev.alknet.client.forward;

import dev.alknet.core.channel.ChannelOpener;
import dev.alknet.core.channel.OpenThenRelay;
import io.netty.channel.ChannelHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * First and only handler of an accepted {@code -L} connection: opens the {@code direct-tcpip} channel to the spec's
 * target, then relays ({@link OpenThenRelay}).
 */
final class LocalForwardHandler {

    static final String NAME = "forward-L";
    private static final Logger log = LoggerFactory.getLogger(LocalForwardHandler.class);

    private LocalForwardHandler() {
    }

    static ChannelHandler create(LocalForwardContext context) {
        return new OpenThenRelay(NAME, ctx -> ChannelOpener.directTcpip(context.sessions(),
                OpenThenRelay.originator(ctx.channel().remoteAddress()), context.target(), context.openTimeout(),
                ctx.executor(), context.openChannels()),
                e -> log.warn("-L {}: {}", context.spec(), e.getMessage() != null ? e.getMessage() : e.toString()));
    }
}
