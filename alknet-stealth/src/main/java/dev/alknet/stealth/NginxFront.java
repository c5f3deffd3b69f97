package dev.alknet.stealth;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import java.time.Duration;
import java.util.Locale;

/**
 * An HTTP/1.x server that answers like nginx 1.22 serving a static directory: same status lines, header
 * names and order, error pages, keep-alive (65 s, 1000 requests), timeouts ({@code client_header_timeout}:
 * a silent or slow peer is closed without an answer) and close behaviour: after an error found while the
 * request head was still being read, nginx half-closes and keeps reading ("lingering close", 5 s idle,
 * 30 s at most), otherwise it simply closes. Reads only when it needs bytes (autoRead stays off).
 */
final class NginxFront extends ChannelInboundHandlerAdapter {

    private static final InternalLogger LOG = InternalLoggerFactory.getInstance(NginxFront.class);

    static final Duration KEEPALIVE_TIMEOUT = Duration.ofSeconds(65);
    static final Duration LINGERING_TIMEOUT = Duration.ofSeconds(5);
    static final Duration LINGERING_TIME = Duration.ofSeconds(30);
    static final int KEEPALIVE_REQUESTS = 1000;
    /** nginx's {@code send_timeout}: a peer that stops reading our answer is dropped. */
    static final Duration SEND_TIMEOUT = Duration.ofSeconds(60);

    private enum Phase { HEAD, BODY, WRITING, LINGER, DONE }

    private final StaticSite site;
    private final boolean https;
    private final boolean plainOnTls;
    private final Duration headerTimeout;
    private final long firstDeadline;

    private ByteBuf in;
    private Phase phase = Phase.HEAD;
    private CloseTimer timer;
    private boolean idle;
    private boolean inputClosed;
    private int served;
    private final RequestBody body = new RequestBody();
    private long lingerEnd;
    private boolean discardThenClose;

    /**
     * @param https         the stream is TLS (redirects say https://)
     * @param plainOnTls    plaintext arrived on the TLS port: nginx's "plain HTTP request was sent to HTTPS port"
     * @param firstDeadline System.nanoTime() by which the first request head must be complete
     */
    NginxFront(StaticSite site, boolean https, boolean plainOnTls, Duration headerTimeout, long firstDeadline) {
        this.site = site;
        this.https = https;
        this.plainOnTls = plainOnTls;
        this.headerTimeout = headerTimeout;
        this.firstDeadline = firstDeadline;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        in = ctx.alloc().buffer();
        timer = new CloseTimer(() -> close(ctx));
        schedule(ctx, firstDeadline - System.nanoTime());
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelTimer();
        if (in != null) {
            in.release();
            in = null;
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf b)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        try {
            switch (phase) {
                case LINGER -> {
                    long now = System.nanoTime();
                    schedule(ctx, Math.min(LINGERING_TIMEOUT.toNanos(), lingerEnd - now));
                    ctx.read();
                }
                case DONE -> {
                }
                default -> {
                    in.writeBytes(b);
                    if (idle && phase == Phase.HEAD && in.isReadable()) {
                        idle = false;
                        schedule(ctx, headerTimeout.toNanos());
                    }
                    if (phase != Phase.WRITING) {
                        process(ctx);
                    }
                }
            }
        } finally {
            b.release();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            inputClosed = true;
            if (phase == Phase.LINGER || phase == Phase.HEAD || phase == Phase.BODY) {
                // nginx: "client prematurely closed connection" (or done lingering): close, no answer
                close(ctx);
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        phase = Phase.DONE;
        cancelTimer();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("{}: {}", ctx.channel().remoteAddress(), cause.toString());
        close(ctx);
    }

    // ---- the request loop

    private void process(ChannelHandlerContext ctx) {
        while (phase == Phase.HEAD || phase == Phase.BODY) {
            if (phase == Phase.BODY) {
                if (discardThenClose) {
                    schedule(ctx, LINGERING_TIMEOUT.toNanos());
                } else if (!timer.armed()) {
                    schedule(ctx, headerTimeout.toNanos());
                }
                if (!skipBody()) {
                    needMore(ctx);
                    return;
                }
                cancelTimer();
                if (discardThenClose) {
                    linger(ctx);
                    return;
                }
                phase = Phase.HEAD;
            }
            if (!in.isReadable()) {
                if (served > 0 && !idle) {
                    idle = true;
                    schedule(ctx, KEEPALIVE_TIMEOUT.toNanos());
                }
                needMore(ctx);
                return;
            }
            if (idle || !timer.armed()) {
                idle = false;
                schedule(ctx, headerTimeout.toNanos());
            }
            HttpHead.Result r = HttpHead.parse(in);
            if (r.more()) {
                needMore(ctx);
                return;
            }
            if (r.head() == null) {
                if (r.http09()) {
                    respond09(ctx, null, r.error());
                } else {
                    respond(ctx, null, r.error(), false, true);
                }
                return;
            }
            HttpHead h = r.head();
            in.skipBytes(h.length);
            cancelTimer();
            handle(ctx, h);
        }
    }

    private void needMore(ChannelHandlerContext ctx) {
        if (inputClosed) {
            close(ctx);
        } else {
            ctx.read();
        }
    }

    private void handle(ChannelHandlerContext ctx, HttpHead h) {
        if (h.http09()) {
            respond09(ctx, h, 0);
            return;
        }
        if (h.minor >= 1 && h.header("host") == null && h.uriHost == null) {
            respond(ctx, h, 400, false, false);
            return;
        }
        int framing = body.frame(h);
        if (framing == 413) {
            // nginx answers at once, then reads and drops the body (no FIN yet), 5 s per read at most
            discardThenClose = true;
        }
        if (framing != 0) {
            respond(ctx, h, framing, false, false);
            return;
        }
        if (plainOnTls) {
            respond(ctx, h, NginxPages.PLAIN_HTTP_TO_HTTPS, false, false);
            return;
        }
        boolean keepAlive = keepAlive(h);
        String acme = h.method.equals("GET") ? AcmeHttpTokens.answer(h.path) : null;
        if (acme != null) {
            send(ctx, NginxResponses.text(acme, keepAlive), keepAlive, false);
            return;
        }
        StaticSite.Lookup found = site.lookup(h.method, h.path);
        if (found instanceof StaticSite.Found f) {
            serveFile(ctx, h, f, keepAlive);
        } else if (found instanceof StaticSite.Redirect) {
            respond(ctx, h, 301, keepAlive, false);
        } else {
            respond(ctx, h, ((StaticSite.Status) found).code(), keepAlive, false);
        }
    }

    private boolean keepAlive(HttpHead h) {
        String conn = h.header("connection");
        String c = conn == null ? "" : conn.toLowerCase(Locale.ROOT);
        boolean ka = h.minor >= 1 ? !c.contains("close") : c.contains("keep-alive");
        return ka && served + 1 < KEEPALIVE_REQUESTS;
    }

    // ---- responses

    /**
     * Sends nginx's page for {@code code}. {@code early}: the error was found while the head was still
     * being read (the rest of it is unread), which makes nginx linger.
     */
    private void respond(ChannelHandlerContext ctx, HttpHead h, int code, boolean keepAlive, boolean early) {
        boolean ka = keepAlive && NginxResponses.keepsAlive(NginxPages.wireStatus(code));
        String location = code == 301 ? NginxResponses.location(https, ctx.channel().localAddress(), h) : null;
        boolean headOnly = h != null && h.method.equals("HEAD");
        send(ctx, NginxResponses.page(code, ka, location, headOnly), ka, early);
    }

    /** HTTP/0.9: no status line, no headers, just the body, then close. */
    private void respond09(ChannelHandlerContext ctx, HttpHead h, int code) {
        if (h != null) {
            StaticSite.Lookup found = site.lookup(h.method, h.path);
            if (found instanceof StaticSite.Found f) {
                phase = Phase.WRITING;
                writeFile(ctx, f, 0, f.size(), false);
                return;
            }
            code = found instanceof StaticSite.Status s ? s.code() : 301;
        }
        send(ctx, Unpooled.wrappedBuffer(NginxPages.page(code)), false, h == null);
    }

    private void serveFile(ChannelHandlerContext ctx, HttpHead h, StaticSite.Found f, boolean keepAlive) {
        String lastModified = NginxPages.date(f.mtimeSeconds() * 1000);
        String inm = h.header("if-none-match");
        String ims = h.header("if-modified-since");
        if (inm != null ? (inm.equals("*") || inm.contains(f.etag()))
                : ims != null && NginxPages.parseDate(ims) == f.mtimeSeconds()) {
            send(ctx, NginxResponses.notModified(lastModified, f.etag(), keepAlive), keepAlive, false);
            return;
        }
        long from = 0;
        long len = f.size();
        String status = "HTTP/1.1 200 OK";
        String contentRange = null;
        String range = h.header("range");
        if (range != null && (h.header("if-range") == null)) {
            long[] r = RangeHeader.singleRange(range, f.size());
            if (r != null && r[0] < 0) {
                send(ctx, NginxResponses.rangeNotSatisfiable(f.size(), keepAlive, h.method.equals("HEAD")),
                        keepAlive, false);
                return;
            }
            if (r != null) {
                from = r[0];
                len = r[1] - r[0] + 1;
                status = "HTTP/1.1 206 Partial Content";
                contentRange = "bytes " + r[0] + "-" + r[1] + "/" + f.size();
            }
        }
        phase = Phase.WRITING;
        ByteBuf headBytes = NginxResponses.fileHead(status, f, len, lastModified, keepAlive, contentRange);
        if (h.method.equals("HEAD") || len == 0) {
            send(ctx, headBytes, keepAlive, false);
            return;
        }
        ctx.write(headBytes);
        writeFile(ctx, f, from, len, keepAlive);
    }

    private void send(ChannelHandlerContext ctx, ByteBuf out, boolean keepAlive, boolean early) {
        phase = Phase.WRITING;
        schedule(ctx, SEND_TIMEOUT.toNanos());
        ctx.writeAndFlush(out).addListener((ChannelFutureListener) f -> {
            if (f.isSuccess()) {
                afterResponse(ctx, keepAlive, early);
            } else {
                close(ctx);
            }
        });
    }

    /** Streams {@code len} bytes of the file from {@code from}, then goes on as after any response. */
    private void writeFile(ChannelHandlerContext ctx, StaticSite.Found f, long from, long len, boolean keepAlive) {
        FileStreamer.stream(ctx, f, from, len, new FileStreamer.Progress() {
            @Override
            public void sending() {
                schedule(ctx, SEND_TIMEOUT.toNanos());
            }

            @Override
            public void cannotOpen() {
                close(ctx);
            }

            @Override
            public void done() {
                afterResponse(ctx, keepAlive, false);
            }
        });
    }

    private void afterResponse(ChannelHandlerContext ctx, boolean keepAlive, boolean early) {
        if (phase == Phase.DONE) {
            return;
        }
        cancelTimer();
        if (discardThenClose && !inputClosed) {
            phase = Phase.BODY;
            schedule(ctx, LINGERING_TIMEOUT.toNanos());
            process(ctx);
            return;
        }
        if (keepAlive) {
            served++;
            phase = body.pending() ? Phase.BODY : Phase.HEAD;
            idle = false;
            process(ctx);
            return;
        }
        if (early || in.isReadable() || body.unfinished()) {
            linger(ctx);
        } else {
            close(ctx);
        }
    }

    /** nginx's lingering close: FIN (after close_notify on TLS), then read and drop until quiet. */
    private void linger(ChannelHandlerContext ctx) {
        phase = Phase.LINGER;
        in.clear();
        if (inputClosed) {
            close(ctx);
            return;
        }
        lingerEnd = System.nanoTime() + LINGERING_TIME.toNanos();
        Closing.shutdownOutput(ctx.channel());
        schedule(ctx, LINGERING_TIMEOUT.toNanos());
        ctx.read();
    }

    private void close(ChannelHandlerContext ctx) {
        phase = Phase.DONE;
        cancelTimer();
        ctx.close();
    }

    /** Drops body bytes from {@link #in}; true when the body is complete. */
    private boolean skipBody() {
        boolean complete = body.skip(in);
        if (body.failed()) {
            // nginx answers 400 to a broken chunked body only if it still can; dropping the connection
            phase = Phase.DONE;
            return false;
        }
        return complete;
    }

    private void schedule(ChannelHandlerContext ctx, long nanos) {
        timer.arm(ctx, nanos);
    }

    private void cancelTimer() {
        timer.cancel();
    }
}
