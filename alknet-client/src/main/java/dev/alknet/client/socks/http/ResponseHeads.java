package dev.alknet.client.socks.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Toward the client of a forwarded request: the origin's response heads get {@code Connection: close} in place of
 * their hop-by-hop fields, so the client sends its next request on a new connection (this one carries one request,
 * see {@link HttpHeadDecoder}). Interim 1xx heads are rewritten and passed on; after the final head every byte
 * passes unchanged. Holds at most {@link HttpHeadParser#MAX_HEAD} bytes: an incomplete head's writes are reported
 * done once held (their window credit goes back), and one that is too long, or not HTTP/1.x, passes unchanged.
 * Sits in the outbound path of the client's channel, on its event loop.
 */
final class ResponseHeads extends ChannelOutboundHandlerAdapter {

    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection",
            "proxy-authenticate", "upgrade");

    private CompositeByteBuf held;
    private boolean passing;

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (passing || !(msg instanceof ByteBuf buf)) {
            ctx.write(msg, promise);
            return;
        }
        if (held == null) {
            held = ctx.alloc().compositeBuffer();
        }
        held.addComponent(true, buf);
        while (true) {
            int length = HttpHeadParser.headLength(held, 0);
            if (length < 0) {
                if (held.readableBytes() >= HttpHeadParser.MAX_HEAD) {
                    passOn(ctx, promise);
                } else {
                    promise.trySuccess();
                }
                return;
            }
            String text = held.toString(held.readerIndex(), length, StandardCharsets.ISO_8859_1);
            int status = status(text);
            if (status < 0) {
                passOn(ctx, promise); // not HTTP/1.x: leave it alone
                return;
            }
            held.skipBytes(length);
            ctx.write(Unpooled.wrappedBuffer(rewrite(text).getBytes(StandardCharsets.ISO_8859_1)));
            if (status >= 200 || status == 101) {
                passOn(ctx, promise);
                return;
            }
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (held != null) {
            held.release();
            held = null;
        }
    }

    private void passOn(ChannelHandlerContext ctx, ChannelPromise promise) {
        passing = true;
        CompositeByteBuf rest = held;
        held = null;
        ctx.write(rest, promise);
    }

    /** The status code of an {@code HTTP/1.x NNN ...} line, or -1. */
    static int status(String head) {
        if (head.length() < 12 || !head.startsWith("HTTP/1.") || head.charAt(8) != ' ') {
            return -1;
        }
        for (int i = 9; i < 12; i++) {
            if (head.charAt(i) < '0' || head.charAt(i) > '9') {
                return -1;
            }
        }
        return Integer.parseInt(head.substring(9, 12));
    }

    /** The head with CRLF line ends, without hop-by-hop fields and those {@code Connection} names, closing. */
    static String rewrite(String head) {
        String[] lines = head.split("\r?\n", -1);
        Set<String> drop = new HashSet<>(HOP_BY_HOP);
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).strip().equalsIgnoreCase("connection")) {
                for (String token : line.substring(colon + 1).split(",")) {
                    String t = token.strip().toLowerCase(Locale.ROOT);
                    if (!t.equals("content-length") && !t.equals("transfer-encoding")) {
                        drop.add(t); // never the fields that frame the body we pass through
                    }
                }
            }
        }
        StringBuilder b = new StringBuilder(head.length() + 24).append(lines[0]).append("\r\n");
        boolean dropping = false;
        for (int i = 1; i < lines.length && !lines[i].isEmpty(); i++) {
            String line = lines[i];
            boolean folded = line.startsWith(" ") || line.startsWith("\t");
            if (!folded) {
                int colon = line.indexOf(':');
                dropping = colon > 0 && drop.contains(line.substring(0, colon).strip().toLowerCase(Locale.ROOT));
            }
            if (!dropping) {
                b.append(line).append("\r\n");
            }
        }
        return b.append("Connection: close\r\n\r\n").toString();
    }
}
