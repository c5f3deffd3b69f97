package dev.alknet.server.stealth;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The compatible stealth decision, made on the peer's first bytes before anything is sent: {@code SSH-2.0-} (all
 * eight bytes of it; a partial prefix waits for more) hands the stream to SSH, which only then sends its own
 * identification; anything else, or the end of the stream, goes to the web front with the bytes read so far.
 * Reading, holding and the deadline: {@link HoldingGate}.
 */
final class FirstBytesGate extends HoldingGate {

    static final byte[] SSH_PREFIX = "SSH-2.0-".getBytes(StandardCharsets.US_ASCII);

    /** See {@link HoldingGate#HoldingGate}. */
    FirstBytesGate(Consumer<Channel> ssh, Supplier<ChannelHandler> web, long deadline) {
        super(ssh, web, "alknet-stealth-web", deadline, 64);
    }

    /** Whether {@code b} starts with {@code SSH-2.0-}: 1 yes, 0 cannot tell yet, -1 no. */
    static int sshPrefix(ByteBuf b) {
        int n = Math.min(b.readableBytes(), SSH_PREFIX.length);
        for (int i = 0; i < n; i++) {
            if (b.getByte(b.readerIndex() + i) != SSH_PREFIX[i]) {
                return -1;
            }
        }
        return n == SSH_PREFIX.length ? 1 : 0;
    }

    @Override
    protected void decide(ChannelHandlerContext ctx, boolean ended) {
        int verdict = sshPrefix(held);
        if (verdict > 0) {
            toRoute(ctx); // SSH
        } else if (verdict < 0 || ended) {
            toWeb(ctx);
        }
    }
}
