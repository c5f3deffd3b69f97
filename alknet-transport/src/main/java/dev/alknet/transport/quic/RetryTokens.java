package dev.alknet.transport.quic;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.quic.QuicTokenHandler;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.function.LongSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * QUIC address validation (RFC 9000 §8.1) with Retry tokens: a client's first Initial is answered with a Retry
 * carrying {@code expiry || HMAC-SHA256(key, expiry || address || port || dcid)[0..16) || dcid}, and no connection
 * state. Only an Initial that brings back an unexpired token made for its own source address and port makes a
 * connection; a spoofed source never sees the token, so it cannot make the server hold anything for it. The key
 * is random per listener: tokens do not survive a restart (a client then gets a new Retry, one round trip).
 */
final class RetryTokens implements QuicTokenHandler {

    static final Duration LIFETIME = Duration.ofSeconds(10);
    private static final int EXPIRY = 8;
    private static final int TAG = 16;
    private static final int MAX_CID = 20;

    private final SecretKeySpec key;
    private final LongSupplier clock;
    private final ThreadLocal<Mac> macs = ThreadLocal.withInitial(this::newMac);

    RetryTokens() {
        this(randomKey(), System::currentTimeMillis);
    }

    RetryTokens(byte[] key, LongSupplier clock) {
        this.key = new SecretKeySpec(key, "HmacSHA256");
        this.clock = clock;
    }

    @Override
    public boolean writeToken(ByteBuf out, ByteBuf dcid, InetSocketAddress address) {
        long expiry = clock.getAsLong() + LIFETIME.toMillis();
        byte[] id = new byte[dcid.readableBytes()];
        dcid.getBytes(dcid.readerIndex(), id);
        out.writeLong(expiry).writeBytes(tag(expiry, address, id)).writeBytes(id);
        return true;
    }

    /** The offset of the original dcid in {@code token}, or -1: the Initial is then dropped. */
    @Override
    public int validateToken(ByteBuf token, InetSocketAddress address) {
        int n = token.readableBytes();
        if (n < EXPIRY + TAG || n > EXPIRY + TAG + MAX_CID) {
            return -1;
        }
        int at = token.readerIndex();
        long expiry = token.getLong(at);
        long now = clock.getAsLong();
        if (now > expiry || expiry - now > LIFETIME.toMillis()) {
            return -1;
        }
        byte[] tag = new byte[TAG];
        token.getBytes(at + EXPIRY, tag);
        byte[] id = new byte[n - EXPIRY - TAG];
        token.getBytes(at + EXPIRY + TAG, id);
        return MessageDigest.isEqual(tag, tag(expiry, address, id)) ? EXPIRY + TAG : -1;
    }

    @Override
    public int maxTokenLength() {
        return EXPIRY + TAG + MAX_CID;
    }

    private byte[] tag(long expiry, InetSocketAddress address, byte[] dcid) {
        Mac mac = macs.get();
        for (int i = 56; i >= 0; i -= 8) {
            mac.update((byte) (expiry >>> i));
        }
        mac.update(address.getAddress().getAddress());
        mac.update((byte) (address.getPort() >>> 8));
        mac.update((byte) address.getPort());
        mac.update(dcid);
        byte[] full = mac.doFinal();
        byte[] tag = new byte[TAG];
        System.arraycopy(full, 0, tag, 0, TAG);
        return tag;
    }

    private Mac newMac() {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(key);
            return m;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    private static byte[] randomKey() {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        return k;
    }
}
