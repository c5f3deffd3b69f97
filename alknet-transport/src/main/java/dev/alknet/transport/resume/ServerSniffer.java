package dev.alknet.transport.resume;

import dev.alknet.transport.FirstBytesHold;
import dev.alknet.transport.StreamAddresses;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Server side, on every accepted stream before SSH: reads the client's first line. A resume hello takes over
 * its detached stream (or is refused, the stream untouched); an identification with
 * {@link ResumeHello#CLIENT_MARK} gets the accept pre-version line and a framed carrier; anything else
 * (stock OpenSSH: decided on its 9th byte) goes to SSH raw at once. A client that waits for the server to
 * speak first gets the plain SSH server after {@code SILENT_MS}.
 */
public final class ServerSniffer extends FirstBytesHold {

    public static final String NAME = "alknet-resume-sniff";
    private static final Logger LOG = LoggerFactory.getLogger(ServerSniffer.class);
    /**
     * Clients speak first (RFC 4253 4.2: both sides send their identification at once); one that has not within this
     * time gets the plain server. Generous, because a client is only offered a resumable carrier by its first line:
     * a client JVM on a starved CPU took more than 2 s to send it, and its session could not resume.
     */
    private static final long SILENT_MS = Long.getLong("alknet.resume.silentClientMs", 5000);

    private final ResumeRegistry registry;
    private final Supplier<ResumableStream> newStream;
    private final Consumer<Channel> ssh;
    private boolean decided;
    private boolean resuming;

    /** @param ssh attaches SSH to the stream (adds its handler last, starts reading) */
    public ServerSniffer(ResumeRegistry registry, Supplier<ResumableStream> newStream, Consumer<Channel> ssh) {
        super(128);
        this.registry = registry;
        this.newStream = newStream;
        this.ssh = ssh;
    }

    @Override
    protected long timeoutNanos() {
        return TimeUnit.MILLISECONDS.toNanos(SILENT_MS);
    }

    @Override
    protected boolean decided() {
        return decided;
    }

    @Override
    protected void timedOut(ChannelHandlerContext ctx) {
        plain(ctx);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        super.handlerAdded(ctx);
        ctx.channel().config().setAutoRead(true);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (resuming && msg instanceof ByteBuf b) {
            // read in the same go as the hello (e.g. several TLS records at once): the takeover passes it on
            hold(b);
            return;
        }
        if (decided || !(msg instanceof ByteBuf b)) {
            ctx.fireChannelRead(msg);
            return;
        }
        hold(b);
        int end = LineReader.lineEnd(held);
        if (end > 0) {
            // a line is judged whole, whatever the reads were: too long to be ours (or the client's one
            // identification, RFC 4253 4.2) means plain SSH, as it does while it is still arriving
            String line = end - held.readerIndex() > ResumeHello.MAX_LINE ? "" : LineReader.text(held, end);
            if (line.startsWith(ResumeHello.HELLO_PREFIX)) {
                resume(ctx, line);
            } else if (line.startsWith(ResumeHello.OFFER_PREFIX)) {
                framed(ctx);
            } else {
                plain(ctx);
            }
            return;
        }
        boolean ours = LineReader.couldBe(held, ResumeHello.HELLO_PREFIX)
                || LineReader.couldBe(held, ResumeHello.OFFER_PREFIX);
        if (!ours || held.readableBytes() > ResumeHello.MAX_LINE) {
            plain(ctx);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        decided = true;
        ctx.fireChannelInactive();
    }

    /** No resume involved: SSH as usual, with the bytes read so far. */
    private void plain(ChannelHandlerContext ctx) {
        decided = true;
        LOG.debug("plain SSH on {} ({} bytes read)", ctx.channel(), held.readableBytes());
        ssh.accept(ctx.channel());
        handOn(ctx, ctx);
    }

    /** An alknet client offers: accept, then SSH over a framed carrier. */
    private void framed(ChannelHandlerContext ctx) {
        decided = true;
        LOG.debug("resumable carrier offered and accepted on {}", ctx.channel());
        ResumableStream stream = newStream.get();
        Channel ch = ctx.channel();
        ch.attr(ResumableStream.ATTR).set(stream);
        ctx.writeAndFlush(Unpooled.wrappedBuffer(ResumeHello.ascii(ResumeHello.ACCEPT_LINE + "\r\n")));
        ResumeFraming framing = new ResumeFraming(stream, true);
        ctx.pipeline().addAfter(ctx.name(), ResumeFraming.NAME, framing);
        stream.firstCarrier(framing);
        ssh.accept(ch);
        if (!ch.isOpen() || ctx.isRemoved()) {
            return;
        }
        // the client's identification is not framed: straight to SSH; what follows it is
        ChannelHandlerContext fctx = ctx.pipeline().context(framing);
        int end = LineReader.lineEnd(held);
        fctx.fireChannelRead(held.readRetainedSlice(end - held.readerIndex()));
        fctx.fireChannelReadComplete();
        handOn(ctx, fctx);
    }

    private void resume(ChannelHandlerContext ctx, String line) {
        decided = true;
        LineReader.take(held);
        ResumeHello.Hello hello = ResumeHello.parseHello(line);
        ResumableStream stream = hello == null ? null : registry.find(hello.id());
        if (stream == null || stream.token() == null || !stream.token().accept(hello.counter(), hello.proof())) {
            ResumeStats.refused();
            boolean known = stream != null && stream.token() != null;
            LOG.info("refused a resume from {}: {}", StreamAddresses.remote(ctx.channel()),
                    hello == null ? "malformed hello" : known ? "bad or reused token" : "unknown session");
            // a known session's client may be behind a path that delivered an old hello late: it tries again
            ctx.writeAndFlush(Unpooled.wrappedBuffer(known ? ResumeHello.stale() : ResumeHello.no()))
                    .addListener(f -> ctx.close());
            return;
        }
        ctx.channel().config().setAutoRead(false);
        resuming = true;
        Channel ch = ctx.channel();
        stream.detachCurrent(() -> ch.eventLoop().execute(() -> takeOver(ctx, stream, hello.received())));
    }

    private void takeOver(ChannelHandlerContext ctx, ResumableStream stream, long peerReceived) {
        if (!ctx.channel().isActive() || stream.ended()) {
            ctx.close();
            return;
        }
        ctx.writeAndFlush(Unpooled.wrappedBuffer(ResumeHello.ok(stream.received())));
        ResumeFraming framing = new ResumeFraming(stream, false);
        ctx.pipeline().addAfter(ctx.name(), ResumeFraming.NAME, framing);
        ChannelHandlerContext fctx = ctx.pipeline().context(framing);
        if (!stream.attach(framing, fctx, peerReceived)) {
            LOG.info("resume from {} failed: counts do not match", StreamAddresses.remote(ctx.channel()));
            stream.fail(ResumeStats.Cause.COUNT_MISMATCH, "peer's count does not match");
            ctx.close();
            return;
        }
        ByteBuf rest = held.readRetainedSlice(held.readableBytes());
        ctx.pipeline().remove(this);
        if (rest.isReadable()) {
            framing.channelRead(fctx, rest);
            framing.channelReadComplete(fctx);
        } else {
            rest.release();
        }
        ctx.channel().config().setAutoRead(true);
    }

    /** Passes the rest of what was read to {@code next}'s successor and leaves. */
    private void handOn(ChannelHandlerContext ctx, ChannelHandlerContext from) {
        if (!ctx.channel().isOpen() || ctx.isRemoved()) {
            return;
        }
        ByteBuf rest = held.readRetainedSlice(held.readableBytes());
        ctx.pipeline().remove(this);
        if (from != ctx) {
            // rest is framed: it goes into the framing handler, which sits after this one
            ctx.fireChannelRead(rest);
        } else if (rest.isReadable()) {
            ctx.fireChannelRead(rest);
        } else {
            rest.release();
        }
        ctx.fireChannelReadComplete();
    }
}
