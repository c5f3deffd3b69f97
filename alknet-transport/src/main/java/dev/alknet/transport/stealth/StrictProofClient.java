package dev.alknet.transport.stealth;

import dev.alknet.transport.FirstBytesHold;
import dev.alknet.transport.ReadGate;
import dev.alknet.transport.TransportException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Client side of {@code --stealth=strict} on a freshly connected stream (autoRead off, {@link ReadGate}
 * last): sends the proof as an ordinary-looking request head, then waits for the server's first bytes. A
 * server that took the proof starts SSH (its bytes are left for the SSH client, held by the read gate); a
 * web answer ({@code HTTP/}) means the proof was refused: wrong key, not a strict alknet server, or a proof
 * bound to the TLS session ({@link SessionBinding}) sent to a server that cannot check it (Java before 25).
 */
public final class StrictProofClient extends FirstBytesHold {

    public static final String REFUSED = "stealth key refused: the server answered as a web server"
            + " (wrong --stealth-key, or not an alknet --stealth=strict server)";
    /** Added to {@link #REFUSED} when the proof was bound to the TLS session, which an older server cannot check. */
    public static final String BOUND_HINT = "; the proof was bound to the TLS session, which a server on Java < 25 cannot"
            + " check (run it on Java 25 or newer)";
    private static final byte[] HTTP = "HTTP/".getBytes(StandardCharsets.US_ASCII);
    private static final String USER_AGENT =
            "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
    private static final SecureRandom RANDOM = new SecureRandom();

    private static final Logger LOG = LoggerFactory.getLogger(StrictProofClient.class);

    private final CompletableFuture<Channel> done = new CompletableFuture<>();
    private final Duration timeout;
    /** The failure for a web answer; set on the event loop before the handler is added. */
    private String refused = REFUSED;

    private StrictProofClient(Duration timeout) {
        super(64);
        this.timeout = timeout;
    }

    /** The request head carrying a fresh proof for {@code stream}. */
    public static String head(StealthKey key, String scheme, String host, Channel stream) {
        return head(key, scheme, host, SessionBinding.of(stream));
    }

    /** The request head carrying a fresh proof bound to {@code binding} (empty: unbound). */
    public static String head(StealthKey key, String scheme, String host, byte[] binding) {
        byte[] nonce = new byte[StrictProof.NONCE];
        RANDOM.nextBytes(nonce);
        String token = StrictProof.token(key, scheme, binding, System.currentTimeMillis() / 1000, nonce);
        return "GET /" + token + " HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: " + USER_AGENT
                + "\r\nAccept: */*\r\nAccept-Language: en-US,en;q=0.5\r\n\r\n";
    }

    /**
     * Proves knowledge of {@code key} on {@code stream}; completes with the stream once the server answered
     * with something else than a web page, fails with a one-line {@link TransportException} otherwise.
     */
    public static CompletableFuture<Channel> prove(Channel stream, StealthKey key, String scheme, String host,
            Duration timeout) {
        StrictProofClient h = new StrictProofClient(timeout);
        stream.eventLoop().execute(() -> {
            io.netty.channel.ChannelHandlerContext gate = stream.pipeline().context(ReadGate.class);
            if (gate == null || !stream.isActive()) {
                h.done.completeExceptionally(new TransportException("connection closed before the stealth proof"));
                return;
            }
            try {
                // inside a WebSocket the TLS (if any) may end at a proxy: ws proofs are never bound
                byte[] binding = "ws".equals(scheme) ? SessionBinding.NONE : SessionBinding.of(stream);
                if (binding.length > 0) {
                    LOG.debug("{}: stealth proof bound to the TLS session", stream.remoteAddress());
                    h.refused = REFUSED + BOUND_HINT;
                }
                String head = head(key, scheme, host, binding);
                stream.pipeline().addBefore(gate.name(), "alknet-strict-proof", h);
                stream.writeAndFlush(Unpooled.copiedBuffer(head, StandardCharsets.US_ASCII));
                stream.pipeline().context(h).read();
            } catch (RuntimeException e) {
                h.done.completeExceptionally(new TransportException("cannot send the stealth proof: " + e, e));
            }
        });
        return h.done;
    }

    @Override
    protected long timeoutNanos() {
        return TimeUnit.MILLISECONDS.toNanos(timeout.toMillis());
    }

    @Override
    protected boolean decided() {
        return done.isDone();
    }

    @Override
    protected void timedOut(ChannelHandlerContext ctx) {
        fail(ctx, "no answer to the stealth proof within " + timeout.toSeconds() + " s");
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (done.isDone() || !(msg instanceof ByteBuf b)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        hold(b);
        int n = Math.min(held.readableBytes(), HTTP.length);
        for (int i = 0; i < n; i++) {
            if (held.getByte(held.readerIndex() + i) != HTTP[i]) {
                pass(ctx);
                return;
            }
        }
        if (n == HTTP.length) {
            fail(ctx, refused);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (!done.isDone()) {
            ctx.read();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent && !done.isDone()) {
            fail(ctx, held.isReadable() ? refused : "server closed the connection after the stealth proof");
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        fail(ctx, held != null && held.isReadable() ? refused : "server closed the connection after the stealth proof");
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!done.isDone()) {
            fail(ctx, "stealth proof failed: " + cause.getMessage());
        } else {
            ctx.fireExceptionCaught(cause);
        }
    }

    /** The server started something else than a web answer: SSH. Its bytes go on to the read gate. */
    private void pass(ChannelHandlerContext ctx) {
        stopTimer();
        handOnAndLeave(ctx); // at least the byte that is not HTTP/'s
        done.complete(ctx.channel());
    }

    private void fail(ChannelHandlerContext ctx, String why) {
        if (done.completeExceptionally(new TransportException(why))) {
            ctx.close();
        }
    }
}
