package dev.alknet.server.stealth;

import dev.alknet.transport.StreamAcceptor;
import dev.alknet.transport.ws.WsServerUpgrade;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * {@code --ws-path}: stands where the web front would get a stream that is not SSH, and reads its first request
 * head. A WebSocket Upgrade (GET, header {@code Upgrade: websocket}) for the path goes to the Upgrade
 * ({@link WsServerUpgrade}), after which the stream's first bytes are judged again, inside the frames; every other
 * request, a plain GET of the same path included, or the end of the stream, goes to the web front with the bytes
 * as they came. Reading, holding and the deadline: {@link HoldingGate}.
 */
final class WsRoute extends HoldingGate {

    /** nginx's large_client_header_buffers: a longer head is the web front's to refuse. */
    private static final int MAX_HEAD = 8192;
    private static final Pattern UPGRADE = Pattern.compile("\r\nupgrade:[ \t]*websocket[ \t]*\r\n");

    private final byte[] prefix;

    /**
     * @param web      the web front's handler, for everything else
     * @param upgraded gets the stream after the 101, with nothing read from inside the frames yet
     * @param deadline System.nanoTime() by which the request head must be in
     */
    WsRoute(String path, Supplier<ChannelHandler> web, StreamAcceptor upgraded, long deadline) {
        super(ch -> WsServerUpgrade.install(ch, path, upgraded, deadline), web, "alknet-stealth-site", deadline, 256);
        this.prefix = ("GET " + path).getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    protected void decide(ChannelHandlerContext ctx, boolean ended) {
        if (ended) {
            toWeb(ctx); // the web front answers the end as nginx does
            return;
        }
        int n = Math.min(held.readableBytes(), prefix.length + 1);
        for (int i = 0; i < n; i++) {
            byte c = held.getByte(held.readerIndex() + i);
            boolean ok = i < prefix.length ? c == prefix[i] : c == ' ' || c == '?';
            if (!ok) {
                toWeb(ctx);
                return;
            }
        }
        if (n <= prefix.length) {
            return; // read more
        }
        int headEnd = headEnd();
        if (headEnd < 0) {
            if (held.readableBytes() > MAX_HEAD) {
                toWeb(ctx);
            }
            return;
        }
        String head = held.toString(held.readerIndex(), headEnd, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
        if (UPGRADE.matcher(head).find()) {
            toRoute(ctx); // the Upgrade
        } else {
            toWeb(ctx);
        }
    }

    /** Length of the request head including its blank line, or -1 while incomplete. */
    private int headEnd() {
        int from = held.readerIndex();
        for (int i = from; i + 3 < held.writerIndex(); i++) {
            if (held.getByte(i) == '\r' && held.getByte(i + 1) == '\n' && held.getByte(i + 2) == '\r'
                    && held.getByte(i + 3) == '\n') {
                return i + 4 - from;
            }
        }
        return -1;
    }
}
