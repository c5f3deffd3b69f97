package dev.alknet.core.channel;

import dev.alknet.core.config.HostPort;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * First and only handler of an accepted forward connection ({@code -L} on the client, {@code -R} on the server):
 * opens its channel, then replaces itself with {@link ChannelRelay}. Nothing is read before the peer confirmed the
 * channel (autoRead is off), so a slow open costs no memory. Runs on the connection's event loop.
 */
public final class OpenThenRelay extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(OpenThenRelay.class);

    private final String name;
    private final Function<ChannelHandlerContext, ChannelOpener<RelayDirectTcpip>> open;
    private final Consumer<Throwable> openFailed;
    private ChannelOpener<RelayDirectTcpip> opener;

    /**
     * @param name       this handler's name in the pipeline, kept by the relay that replaces it
     * @param open       starts the channel's open for the connection
     * @param openFailed told why an open failed (the connection is then closed)
     */
    public OpenThenRelay(String name, Function<ChannelHandlerContext, ChannelOpener<RelayDirectTcpip>> open,
            Consumer<Throwable> openFailed) {
        this.name = name;
        this.open = open;
        this.openFailed = openFailed;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        opener = open.apply(ctx);
        opener.result().whenComplete((channel, err) -> {
            if (ctx.executor().inEventLoop()) {
                onOpened(ctx, channel, err);
            } else {
                ctx.executor().execute(() -> onOpened(ctx, channel, err));
            }
        });
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (opener != null) {
            opener.cancel();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("{} {} connection failed before relaying", ctx.channel(), name, cause);
        ctx.close();
    }

    private void onOpened(ChannelHandlerContext ctx, RelayDirectTcpip channel, Throwable err) {
        if (ctx.isRemoved() || !ctx.channel().isActive()) {
            if (channel != null) {
                ChannelRelay.closeNow(channel); // the connecting peer left while the other end was dialling
            }
            return;
        }
        if (err != null) {
            openFailed.accept(err instanceof CompletionException && err.getCause() != null ? err.getCause() : err);
            ctx.close();
            return;
        }
        ctx.pipeline().replace(this, name, ChannelRelay.handler(channel, ctx.channel(), new ArrayDeque<ByteBuf>(), false));
    }

    /** A connected peer's address; never null (MINA would look up the local host name instead). */
    public static HostPort originator(SocketAddress remote) {
        if (remote instanceof InetSocketAddress a && a.getAddress() != null) {
            return new HostPort(a.getAddress().getHostAddress(), a.getPort());
        }
        return new HostPort("127.0.0.1", 0);
    }
}
