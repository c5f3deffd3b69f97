package dev.alknet.client.socks.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Decodes one request head into an {@link HttpHead} (or an {@link HttpProxyException} to answer), then passes
 * every later byte through unchanged: after a CONNECT they are the tunnel's payload, after a plain request its
 * body. The bytes behind the head leave in the same batch as the head, so a handler that swaps itself out on the
 * head finds them at its successor.
 */
final class HttpHeadDecoder extends ByteToMessageDecoder {

    private boolean done;
    private int scanned;

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (done) {
            if (in.isReadable()) {
                out.add(in.readRetainedSlice(in.readableBytes()));
            }
            return;
        }
        int length = HttpHeadParser.headLength(in, scanned);
        if (length < 0) {
            scanned = in.readableBytes();
            if (scanned >= HttpHeadParser.MAX_HEAD) {
                done = true;
                in.skipBytes(in.readableBytes());
                out.add(new HttpProxyException(431, "request head larger than " + HttpHeadParser.MAX_HEAD + " bytes"));
            }
            return;
        }
        done = true;
        String text = in.toString(in.readerIndex(), length, StandardCharsets.ISO_8859_1);
        in.skipBytes(length);
        try {
            out.add(HttpHeadParser.parse(text));
        } catch (HttpProxyException e) {
            in.skipBytes(in.readableBytes());
            out.add(e);
            return;
        }
        if (in.isReadable()) {
            out.add(in.readRetainedSlice(in.readableBytes()));
        }
    }
}
