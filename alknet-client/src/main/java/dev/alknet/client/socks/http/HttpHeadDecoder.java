package dev.alknet.client.socks.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.DecoderException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes one request head into an {@link HttpHead} (or an {@link HttpProxyException} to answer), then:
 * after a CONNECT every later byte passes unchanged (the tunnel's payload); after any other request exactly its
 * body passes, as {@link RequestFraming} and {@link ChunkedBody} delimit it, and everything behind the body is
 * dropped. The connection carries that one request to its origin: a second request on it, for whichever origin,
 * must never reach the first one's (the client is told {@code Connection: close}, see {@link ResponseHeads}).
 * The bytes behind the head leave in the same batch as the head, so a handler that swaps itself out on the head
 * finds them at its successor.
 */
final class HttpHeadDecoder extends ByteToMessageDecoder {

    private static final Logger log = LoggerFactory.getLogger(HttpHeadDecoder.class);

    private enum State { HEAD, TUNNEL, BODY, CHUNKED, AFTER }

    private State state = State.HEAD;
    private int scanned;
    private long remaining;
    private ChunkedBody chunked;

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (state == State.HEAD && !head(in, out)) {
            return;
        }
        switch (state) {
            case TUNNEL -> {
                if (in.isReadable()) {
                    out.add(in.readRetainedSlice(in.readableBytes()));
                }
            }
            case BODY -> {
                int n = (int) Math.min(remaining, in.readableBytes());
                if (n > 0) {
                    out.add(in.readRetainedSlice(n));
                    remaining -= n;
                }
                if (remaining == 0) {
                    state = State.AFTER;
                }
            }
            case CHUNKED -> {
                try {
                    if (chunked.decode(in, out)) {
                        state = State.AFTER;
                    }
                } catch (HttpProxyException e) {
                    state = State.AFTER;
                    in.skipBytes(in.readableBytes());
                    throw new DecoderException("malformed chunked request body: " + e.getMessage());
                }
            }
            default -> {
            }
        }
        if (state == State.AFTER && in.isReadable()) {
            log.debug("{} dropping {} bytes after the forwarded request: one request per connection", ctx.channel(),
                    in.readableBytes());
            in.skipBytes(in.readableBytes());
        }
    }

    /** Reads the head if it is complete; true when the state has moved on. */
    private boolean head(ByteBuf in, List<Object> out) {
        int length = HttpHeadParser.headLength(in, scanned);
        if (length < 0) {
            scanned = in.readableBytes();
            if (scanned >= HttpHeadParser.MAX_HEAD) {
                refuse(in, out, new HttpProxyException(431,
                        "request head larger than " + HttpHeadParser.MAX_HEAD + " bytes"));
            }
            return false;
        }
        String text = in.toString(in.readerIndex(), length, StandardCharsets.ISO_8859_1);
        in.skipBytes(length);
        HttpHead head;
        RequestFraming framing;
        try {
            head = HttpHeadParser.parse(text);
            framing = head.method().equals("CONNECT") ? null : RequestFraming.of(head);
        } catch (HttpProxyException e) {
            refuse(in, out, e);
            return false;
        }
        out.add(head);
        if (framing == null) {
            state = State.TUNNEL;
        } else if (framing.chunked()) {
            state = State.CHUNKED;
            chunked = new ChunkedBody();
        } else {
            state = framing.length() > 0 ? State.BODY : State.AFTER;
            remaining = framing.length();
        }
        return true;
    }

    private void refuse(ByteBuf in, List<Object> out, HttpProxyException e) {
        state = State.AFTER;
        in.skipBytes(in.readableBytes());
        out.add(e);
    }
}
