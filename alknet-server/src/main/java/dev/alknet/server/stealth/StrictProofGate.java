package dev.alknet.server.stealth;

import dev.alknet.transport.stealth.SessionBinding;
import dev.alknet.transport.stealth.StrictProof;
import dev.alknet.transport.stealth.StrictVerifier;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The strict stealth decision (docs/adr/0014): SSH only for a peer whose first bytes are a request head
 * {@code GET /<proof> HTTP/1.1 ... \r\n\r\n} with a proof the {@link StrictVerifier} accepts; the head is
 * consumed and SSH gets what follows. Everything else — an SSH banner, a replayed proof, a wrong key, any
 * other request — goes to the web front with every byte read, as soon as it cannot be a proof any more;
 * there a proof-shaped path is just a missing page. Silence (or a proof-shaped head that never ends) until
 * the deadline is closed without a byte, as nginx does at its header timeout.
 *
 * <p>Reading, holding and the deadline: {@link HoldingGate}.
 */
final class StrictProofGate extends HoldingGate {

    private static final Logger LOG = LoggerFactory.getLogger(StrictProofGate.class);
    private static final byte[] PREFIX = "GET /".getBytes(StandardCharsets.US_ASCII);
    private static final String VERSION = " HTTP/1.1";
    private static final int LINE = PREFIX.length + StrictProof.TEXT + VERSION.length();
    /** nginx's client_header_buffer_size: a proof head is far smaller. */
    private static final int MAX_HEAD = 1024;

    private final StrictVerifier verifier;
    private final String scheme;
    private final boolean unboundAllowed;
    private boolean accepted;

    /** @param unboundAllowed whether a proof not bound to the stream's TLS session may pass (docs/adr/0014) */
    StrictProofGate(StrictVerifier verifier, String scheme, boolean unboundAllowed, Consumer<Channel> ssh,
            Supplier<ChannelHandler> web, long deadline) {
        super(ssh, web, "alknet-stealth-web", deadline, 256);
        this.verifier = verifier;
        this.scheme = scheme;
        this.unboundAllowed = unboundAllowed;
    }

    @Override
    protected void decide(ChannelHandlerContext ctx, boolean ended) {
        if (!accepted && !couldBeProof()) {
            toWeb(ctx);
            return;
        }
        if (!accepted && held.readableBytes() >= LINE) {
            String token = held.toString(held.readerIndex() + PREFIX.length, StrictProof.TEXT, StandardCharsets.US_ASCII);
            // a valid token is used up here: whatever follows, it cannot be replayed
            StrictVerifier.Verdict verdict = verifier.accept(token, scheme, SessionBinding.of(ctx.channel()),
                    unboundAllowed);
            if (!verdict.accepted()) {
                toWeb(ctx);
                return;
            }
            LOG.debug("{}: strict proof accepted on {}, {}", ctx.channel().remoteAddress(), scheme,
                    verdict == StrictVerifier.Verdict.BOUND ? "bound to the TLS session" : "unbound");
            accepted = true;
        }
        if (accepted) {
            int end = ByteBufUtil.indexOf(held, held.readerIndex(), held.writerIndex(), (byte) '\n');
            while (end >= 0 && !endOfHead(end)) {
                end = ByteBufUtil.indexOf(held, end + 1, held.writerIndex(), (byte) '\n');
            }
            if (end >= 0) {
                held.readerIndex(end + 1);
                toRoute(ctx); // SSH
                return;
            }
        }
        if (ended || held.readableBytes() > MAX_HEAD) {
            toWeb(ctx); // an unfinished or oversized head is the web front's to answer, proof or not
        }
    }

    /** Whether {@code \n} at {@code i} ends the head: it follows {@code \r\n} or {@code \n}. */
    private boolean endOfHead(int i) {
        int start = held.readerIndex();
        return i - 1 >= start && held.getByte(i - 1) == '\n'
                || i - 2 >= start && held.getByte(i - 1) == '\r' && held.getByte(i - 2) == '\n';
    }

    /** Whether what was read so far still has the shape of a proof's request line. */
    private boolean couldBeProof() {
        int n = Math.min(held.readableBytes(), LINE);
        int r = held.readerIndex();
        for (int i = 0; i < n; i++) {
            byte c = held.getByte(r + i);
            boolean ok;
            if (i < PREFIX.length) {
                ok = c == PREFIX[i];
            } else if (i < PREFIX.length + StrictProof.TEXT) {
                ok = c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_';
            } else {
                ok = c == VERSION.charAt(i - PREFIX.length - StrictProof.TEXT);
            }
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
