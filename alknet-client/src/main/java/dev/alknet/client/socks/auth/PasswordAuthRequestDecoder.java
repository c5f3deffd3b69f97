package dev.alknet.client.socks.auth;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Decodes one RFC 1929 request: {@code VER=1, ULEN, UNAME, PLEN, PASSWD}. Emits a {@link PasswordAuthRequest}
 * (possibly {@linkplain PasswordAuthRequest#malformed() malformed}), then passes every later byte through
 * unchanged so that the next decoder can take over. Names and passwords stay bytes: no charset guessing.
 */
public final class PasswordAuthRequestDecoder extends ByteToMessageDecoder {

    static final int VERSION = 1;

    private boolean done;

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (done) {
            if (in.isReadable()) {
                out.add(in.readRetainedSlice(in.readableBytes()));
            }
            return;
        }
        PasswordAuthRequest request = parse(in);
        if (request != null) {
            done = true;
            out.add(request);
            if (request.malformed() != null) {
                in.skipBytes(in.readableBytes());
            } else if (in.isReadable()) {
                // In the same batch: the handler swaps decoders on the request, and these bytes then leave
                // through this (removed) decoder's context straight into its successor.
                out.add(in.readRetainedSlice(in.readableBytes()));
            }
        }
    }

    /** One request from {@code in}, consuming it; null (nothing consumed) if it is not complete yet. */
    public static PasswordAuthRequest parse(ByteBuf in) {
        int start = in.readerIndex();
        int readable = in.readableBytes();
        if (readable < 1) {
            return null;
        }
        int version = in.getUnsignedByte(start);
        if (version != VERSION) {
            return PasswordAuthRequest.bad("version " + version + " (expected 1)");
        }
        if (readable < 2) {
            return null;
        }
        int ulen = in.getUnsignedByte(start + 1);
        if (ulen == 0) {
            return PasswordAuthRequest.bad("empty user name");
        }
        if (readable < 2 + ulen + 1) {
            return null;
        }
        int plen = in.getUnsignedByte(start + 2 + ulen);
        if (readable < 3 + ulen + plen) {
            return null;
        }
        byte[] user = new byte[ulen];
        byte[] password = new byte[plen];
        in.getBytes(start + 2, user);
        in.getBytes(start + 3 + ulen, password);
        in.skipBytes(3 + ulen + plen);
        return new PasswordAuthRequest(user, password, null);
    }
}
