package dev.alknet.transport.tls;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.SslClientHelloHandler;
import io.netty.util.concurrent.Future;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Stealth listeners on the OpenSSL engine, before its {@code SslHandler}: reads the ALPN offer of the ClientHello
 * and, when it names none of the protocols this listener speaks, answers as nginx (OpenSSL, whose ALPN callback
 * fails the handshake) does: the fatal {@code no_application_protocol} alert, then close. netty-tcnative's own
 * callback can only decline, which would complete the handshake without ALPN (docs/adr/0019). A ClientHello
 * without ALPN, or one that is not a ClientHello at all, goes on to the engine untouched.
 */
final class AlpnOfferGate extends SslClientHelloHandler<Boolean> {

    /** Alert record, TLS 1.2 record version (what OpenSSL 3 writes for 1.2 and 1.3 alike): fatal (2), 120. */
    private static final byte[] NO_APPLICATION_PROTOCOL = {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x78};
    private static final int ALPN_EXTENSION = 16;
    /** The most of a ClientHello held per connection before it is refused (Netty's default, said here). */
    private static final int MAX_HELLO = 64 * 1024;

    private final Set<String> accepted;
    private final LiveCertificate acme;
    private boolean refused;

    AlpnOfferGate(Set<String> accepted) {
        this(accepted, null);
    }

    /** @param acme whose published TLS-ALPN-01 challenges let an {@code acme-tls/1} offer through, or null */
    AlpnOfferGate(Set<String> accepted, LiveCertificate acme) {
        super(MAX_HELLO);
        this.accepted = accepted;
        this.acme = acme;
    }

    @Override
    protected Future<Boolean> lookup(ChannelHandlerContext ctx, ByteBuf clientHello) {
        return ctx.executor().newSucceededFuture(clientHello == null || acceptable(clientHello));
    }

    @Override
    protected void onLookupComplete(ChannelHandlerContext ctx, Future<Boolean> future) {
        if (Boolean.TRUE.equals(future.getNow())) {
            ctx.pipeline().remove(this); // hands the bytes held (the ClientHello) on to the engine
            return;
        }
        refused = true;
        ctx.writeAndFlush(Unpooled.wrappedBuffer(NO_APPLICATION_PROTOCOL)).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, java.util.List<Object> out) throws Exception {
        if (refused) {
            in.skipBytes(in.readableBytes()); // what arrives while the alert goes out is dropped, as after any alert
            return;
        }
        super.decode(ctx, in, out);
    }

    /** Whether the ClientHello body (from its version on) offers no ALPN or one of ours; malformed: let TLS judge. */
    boolean acceptable(ByteBuf hello) {
        int p = hello.readerIndex();
        int end = hello.writerIndex();
        try {
            p += 2 + 32;
            p += 1 + hello.getUnsignedByte(p);
            p += 2 + hello.getUnsignedShort(p);
            p += 1 + hello.getUnsignedByte(p);
            if (p + 2 > end) {
                return true;
            }
            int extEnd = Math.min(end, p + 2 + hello.getUnsignedShort(p));
            p += 2;
            while (p + 4 <= extEnd) {
                int type = hello.getUnsignedShort(p);
                int len = hello.getUnsignedShort(p + 2);
                p += 4;
                if (type == ALPN_EXTENSION) {
                    return offersOneOfOurs(hello, p, Math.min(extEnd, p + len));
                }
                p += len;
            }
            return true;
        } catch (IndexOutOfBoundsException e) {
            return true;
        }
    }

    private boolean offersOneOfOurs(ByteBuf hello, int p, int end) {
        int listEnd = Math.min(end, p + 2 + hello.getUnsignedShort(p));
        p += 2;
        while (p < listEnd) {
            int n = hello.getUnsignedByte(p++);
            if (p + n > listEnd) {
                return true; // malformed: the engine refuses it as it would anyway
            }
            String offered = hello.toString(p, n, StandardCharsets.US_ASCII);
            if (accepted.contains(offered)
                    || acme != null && ClientHelloRouter.ACME_TLS_1.equals(offered) && acme.challengePending()) {
                return true;
            }
            p += n;
        }
        return false;
    }
}
