package dev.alknet.transport.resume;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import java.util.ArrayDeque;

/**
 * Client side of the offer, on the first carrier. Our SSH identification (which carries
 * {@link ResumeHello#CLIENT_MARK}) goes out as is; what SSH writes after it is held until the server's
 * identification arrives. An {@link ResumeHello#ACCEPT_LINE} pre-version line before it means an alknet
 * server took the offer: both directions are framed from here on. A bare {@code SSH-} line means a stock
 * server: the held bytes go out raw and this handler leaves, costing nothing from then on.
 */
public final class ClientNegotiation extends ChannelDuplexHandler {

    public static final String NAME = "alknet-resume-offer";
    static final int MAX_PRELUDE = 8192;

    private final ResumableStream stream;
    private final ArrayDeque<Object[]> held = new ArrayDeque<>();
    private boolean ownLineSent;
    private boolean accepted;
    private ByteBuf in;
    /** Bytes of the server's lines so far: they may not exceed {@link #MAX_PRELUDE} in all. */
    private int prelude;

    public ClientNegotiation(ResumableStream stream) {
        this.stream = stream;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        in = ctx.alloc().buffer(256);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (in != null) {
            in.release();
            in = null;
        }
        Object[] w;
        while ((w = held.pollFirst()) != null) {
            ((ByteBuf) w[0]).release();
            ((ChannelPromise) w[1]).tryFailure(new java.io.IOException("carrier closed"));
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof ByteBuf b)) {
            ctx.write(msg, promise);
            return;
        }
        if (!ownLineSent) {
            int end = LineReader.lineEnd(b);
            if (end < 0) {
                ctx.write(b, promise);
                return;
            }
            ownLineSent = true;
            ctx.write(b.readRetainedSlice(end - b.readerIndex()));
            if (!b.isReadable()) {
                b.release();
                promise.trySuccess();
                return;
            }
        }
        held.addLast(new Object[] {b, promise});
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf b)) {
            ctx.fireChannelRead(msg);
            return;
        }
        in.writeBytes(b);
        b.release();
        int end;
        while ((end = LineReader.lineEnd(in)) > 0) {
            if (prelude + end - in.readerIndex() > MAX_PRELUDE) {
                break;
            }
            int start = in.readerIndex();
            String line = LineReader.take(in);
            prelude += in.readerIndex() - start;
            if (line.equals(ResumeHello.ACCEPT_LINE)) {
                accepted = true;
                continue;
            }
            ctx.fireChannelRead(in.retainedSlice(start, in.readerIndex() - start));
            if (line.startsWith("SSH-")) {
                decide(ctx);
                return;
            }
        }
        if (prelude + in.readableBytes() > MAX_PRELUDE) {
            // pre-version lines without end: not ours to judge, SSH will refuse them
            accepted = false;
            decide(ctx);
            return;
        }
        in.discardReadBytes();
    }

    private void decide(ChannelHandlerContext ctx) {
        org.slf4j.LoggerFactory.getLogger(ClientNegotiation.class).debug("server {} the resumable carrier on {}",
                accepted ? "accepted" : "did not take", ctx.channel());
        ByteBuf rest = in.readRetainedSlice(in.readableBytes());
        ArrayDeque<Object[]> writes = new ArrayDeque<>(held);
        held.clear();
        ResumeFraming framing = null;
        ChannelHandlerContext fctx = null;
        if (accepted) {
            framing = new ResumeFraming(stream, false);
            ctx.pipeline().addAfter(ctx.name(), ResumeFraming.NAME, framing);
            stream.firstCarrier(framing);
            fctx = ctx.pipeline().context(framing);
        }
        // leave first, so that what is written now goes past this handler
        ctx.pipeline().remove(this);
        Object[] w;
        while ((w = writes.pollFirst()) != null) {
            if (framing != null) {
                framing.write(fctx, w[0], (ChannelPromise) w[1]);
            } else {
                ctx.write(w[0], (ChannelPromise) w[1]);
            }
        }
        ctx.channel().flush();
        if (rest.isReadable() && framing != null) {
            framing.channelRead(fctx, rest);
        } else if (rest.isReadable()) {
            ctx.fireChannelRead(rest);
        } else {
            rest.release();
        }
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        ctx.flush();
    }
}
