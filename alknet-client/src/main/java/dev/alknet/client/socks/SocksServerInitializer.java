package dev.alknet.client.socks;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.socksx.v5.Socks5InitialRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5ServerEncoder;

/** The pipeline of an accepted connection before its handshake; later stages rewrite it. */
final class SocksServerInitializer extends ChannelInitializer<Channel> {

    static final String TIMEOUT = "socks-timeout";
    static final String SNIFFER = "socks-sniffer";
    static final String ENCODER = "socks5-encoder";
    static final String GREETING_DECODER = "socks5-greeting-decoder";
    static final String REQUEST_DECODER = "socks5-request-decoder";
    static final String HANDLER = "socks5-handler";

    private final SocksContext context;
    private final ChannelGroup connections;

    SocksServerInitializer(SocksContext context, ChannelGroup connections) {
        this.context = context;
        this.connections = connections;
    }

    @Override
    protected void initChannel(Channel ch) {
        connections.add(ch);
        ch.pipeline()
                .addLast(TIMEOUT, new HandshakeTimeoutHandler(context.options().handshakeTimeout()))
                .addLast(SNIFFER, new SocksVersionSniffer())
                .addLast(ENCODER, Socks5ServerEncoder.DEFAULT)
                .addLast(GREETING_DECODER, new Socks5InitialRequestDecoder())
                .addLast(HANDLER, new Socks5HandshakeHandler(context));
    }
}
