package dev.alknet.stealth;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

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
    static final long MAX_BODY = 1024 * 1024;
    static final int KEEPALIVE_REQUESTS = 1000;
    /** nginx's {@code send_timeout}: a peer that stops reading our answer is dropped. */
    static final Duration SEND_TIMEOUT = Duration.ofSeconds(60);
    private static final int CHUNK = 64 * 1024;

    private enum Phase { HEAD, BODY, WRITING, LINGER, DONE }

    private final StaticSite site;
    private final boolean https;
    private final boolean plainOnTls;
    private final Duration headerTimeout;
    private final long firstDeadline;

    private ByteBuf in;
    private Phase phase = Phase.HEAD;
    private ScheduledFuture<?> timer;
    private boolean idle;
    private boolean inputClosed;
    private int served;
    private long bodyLeft;
    private ChunkedBody chunked;
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
                } else if (timer == null) {
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
            if (idle || timer == null) {
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
        String te = h.header("transfer-encoding");
        String cl = h.header("content-length");
        bodyLeft = 0;
        chunked = null;
        if (te != null) {
            if (cl != null) {
                respond(ctx, h, 400, false, false);
                return;
            }
            if (!te.equalsIgnoreCase("chunked")) {
                respond(ctx, h, 501, false, false);
                return;
            }
            chunked = new ChunkedBody();
        } else if (cl != null) {
            try {
                bodyLeft = Long.parseLong(cl);
                if (bodyLeft < 0 || !cl.chars().allMatch(Character::isDigit)) {
                    throw new NumberFormatException(cl);
                }
            } catch (NumberFormatException e) {
                respond(ctx, h, 400, false, false);
                return;
            }
            if (bodyLeft > MAX_BODY) {
                // nginx answers at once, then reads and drops the body (no FIN yet), 5 s per read at most
                discardThenClose = true;
                respond(ctx, h, 413, false, false);
                return;
            }
        }
        if (plainOnTls) {
            respond(ctx, h, NginxPages.PLAIN_HTTP_TO_HTTPS, false, false);
            return;
        }
        boolean keepAlive = keepAlive(h);
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
        int wire = NginxPages.wireStatus(code);
        boolean ka = keepAlive && switch (wire) {
            case 400, 413, 414, 500, 501, 505 -> false;
            default -> true;
        };
        byte[] body = NginxPages.page(code);
        StringBuilder sb = head(NginxPages.statusLine(code));
        sb.append("Content-Type: text/html\r\n");
        sb.append("Content-Length: ").append(body.length).append("\r\n");
        if (code == 301) {
            sb.append("Location: ").append(location(ctx, h)).append("\r\n");
        }
        sb.append("Connection: ").append(ka ? "keep-alive" : "close").append("\r\n\r\n");
        boolean head = h != null && h.method.equals("HEAD");
        ByteBuf out = Unpooled.wrappedBuffer(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (!head) {
            out = Unpooled.wrappedBuffer(out, Unpooled.wrappedBuffer(body));
        }
        send(ctx, out, ka, early);
    }

    /** HTTP/0.9: no status line, no headers, just the body, then close. */
    private void respond09(ChannelHandlerContext ctx, HttpHead h, int code) {
        if (h != null) {
            StaticSite.Lookup found = site.lookup(h.method, h.path);
            if (found instanceof StaticSite.Found f) {
                phase = Phase.WRITING;
                writeFile(ctx, f, 0, f.size(), () -> afterResponse(ctx, false, false));
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
            StringBuilder sb = head("HTTP/1.1 304 Not Modified");
            sb.append("Last-Modified: ").append(lastModified).append("\r\n");
            sb.append("Connection: ").append(keepAlive ? "keep-alive" : "close").append("\r\n");
            sb.append("ETag: ").append(f.etag()).append("\r\n\r\n");
            send(ctx, Unpooled.wrappedBuffer(sb.toString().getBytes(StandardCharsets.ISO_8859_1)), keepAlive, false);
            return;
        }
        long from = 0;
        long len = f.size();
        String status = "HTTP/1.1 200 OK";
        String contentRange = null;
        String range = h.header("range");
        if (range != null && (h.header("if-range") == null)) {
            long[] r = singleRange(range, f.size());
            if (r != null && r[0] < 0) {
                StringBuilder sb = head(NginxPages.statusLine(416));
                byte[] body = NginxPages.page(416);
                sb.append("Content-Type: text/html\r\n");
                sb.append("Content-Length: ").append(body.length).append("\r\n");
                sb.append("Connection: ").append(keepAlive ? "keep-alive" : "close").append("\r\n");
                sb.append("Content-Range: bytes */").append(f.size()).append("\r\n\r\n");
                ByteBuf out = Unpooled.wrappedBuffer(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
                if (!h.method.equals("HEAD")) {
                    out = Unpooled.wrappedBuffer(out, Unpooled.wrappedBuffer(body));
                }
                send(ctx, out, keepAlive, false);
                return;
            }
            if (r != null) {
                from = r[0];
                len = r[1] - r[0] + 1;
                status = "HTTP/1.1 206 Partial Content";
                contentRange = "bytes " + r[0] + "-" + r[1] + "/" + f.size();
            }
        }
        StringBuilder sb = head(status);
        sb.append("Content-Type: ").append(f.type()).append("\r\n");
        sb.append("Content-Length: ").append(len).append("\r\n");
        sb.append("Last-Modified: ").append(lastModified).append("\r\n");
        sb.append("Connection: ").append(keepAlive ? "keep-alive" : "close").append("\r\n");
        sb.append("ETag: ").append(f.etag()).append("\r\n");
        if (contentRange != null) {
            sb.append("Content-Range: ").append(contentRange).append("\r\n\r\n");
        } else {
            sb.append("Accept-Ranges: bytes\r\n\r\n");
        }
        phase = Phase.WRITING;
        ByteBuf headBytes = Unpooled.wrappedBuffer(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (h.method.equals("HEAD") || len == 0) {
            send(ctx, headBytes, keepAlive, false);
            return;
        }
        ctx.write(headBytes);
        writeFile(ctx, f, from, len, () -> afterResponse(ctx, keepAlive, false));
    }

    /**
     * One range "bytes=a-b", "a-" or "-n": {start, end}; {-1, -1} if unsatisfiable; null to ignore the
     * header (several ranges or a syntax nginx would also ignore: the whole file is sent).
     */
    static long[] singleRange(String range, long size) {
        String r = range.strip();
        if (!r.regionMatches(true, 0, "bytes=", 0, 6) || r.indexOf(',') >= 0) {
            return null;
        }
        String spec = r.substring(6).strip();
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return null;
        }
        try {
            String a = spec.substring(0, dash).strip();
            String b = spec.substring(dash + 1).strip();
            long start;
            long end;
            if (a.isEmpty()) {
                long n = Long.parseLong(b);
                if (n == 0) {
                    return new long[] {-1, -1};
                }
                start = Math.max(0, size - n);
                end = size - 1;
            } else {
                start = Long.parseLong(a);
                end = b.isEmpty() ? size - 1 : Math.min(Long.parseLong(b), size - 1);
                if (end < start && !b.isEmpty() && Long.parseLong(b) < start) {
                    return null;
                }
            }
            if (start >= size) {
                return new long[] {-1, -1};
            }
            return new long[] {start, end};
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static StringBuilder head(String statusLine) {
        return new StringBuilder(256).append(statusLine).append("\r\n")
                .append("Server: ").append(NginxPages.SERVER).append("\r\n")
                .append("Date: ").append(NginxPages.date(System.currentTimeMillis())).append("\r\n");
    }

    /** nginx's absolute redirect: scheme, the request's host (else our address), our port unless default. */
    private String location(ChannelHandlerContext ctx, HttpHead h) {
        String scheme = https ? "https" : "http";
        SocketAddress local = ctx.channel().localAddress();
        int port = local instanceof InetSocketAddress isa ? isa.getPort() : (https ? 443 : 80);
        String host = h.uriHost != null ? h.uriHost : h.header("host") != null ? HttpHead.validHost(h.header("host")) : null;
        if (host == null) {
            String ip = local instanceof InetSocketAddress isa ? isa.getAddress().getHostAddress() : "localhost";
            host = ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip;
        }
        boolean defaultPort = https ? port == 443 : port == 80;
        return scheme + "://" + host + (defaultPort ? "" : ":" + port) + h.path + "/"
                + (h.args != null ? "?" + h.args : "");
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

    /** Streams {@code len} bytes of the file from {@code from}, one chunk per completed write. */
    private void writeFile(ChannelHandlerContext ctx, StaticSite.Found f, long from, long len, Runnable done) {
        FileChannel fc;
        try {
            fc = FileChannel.open(f.file(), StandardOpenOption.READ);
        } catch (IOException e) {
            LOG.debug("cannot open {}: {}", f.file(), e.toString());
            close(ctx);
            return;
        }
        new Object() {
            long pos = from;
            final long end = from + len;

            void next() {
                if (pos >= end || !ctx.channel().isActive()) {
                    closeQuietly(fc);
                    if (pos >= end) {
                        done.run();
                    }
                    return;
                }
                int n = (int) Math.min(CHUNK, end - pos);
                ByteBuf chunk = ctx.alloc().buffer(n);
                try {
                    ByteBuffer bb = chunk.nioBuffer(0, n);
                    int read = 0;
                    while (read < n) {
                        int r = fc.read(bb, pos + read);
                        if (r < 0) {
                            break;
                        }
                        read += r;
                    }
                    if (read < n) {
                        // the file shrank under us: nginx also ends such a response by closing
                        chunk.release();
                        closeQuietly(fc);
                        ctx.flush();
                        ctx.close();
                        return;
                    }
                    chunk.writerIndex(n);
                } catch (IOException e) {
                    chunk.release();
                    closeQuietly(fc);
                    ctx.close();
                    return;
                }
                pos += n;
                schedule(ctx, SEND_TIMEOUT.toNanos());
                ctx.writeAndFlush(chunk).addListener((ChannelFutureListener) w -> {
                    if (w.isSuccess()) {
                        next();
                    } else {
                        closeQuietly(fc);
                        ctx.close();
                    }
                });
            }
        }.next();
    }

    private static void closeQuietly(FileChannel fc) {
        try {
            fc.close();
        } catch (IOException e) {
            // nothing to do
        }
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
            phase = chunked != null || bodyLeft > 0 ? Phase.BODY : Phase.HEAD;
            idle = false;
            process(ctx);
            return;
        }
        if (early || in.isReadable() || bodyLeft > 0 || chunked != null && !chunked.done()) {
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

    // ---- request bodies (discarded, as nginx's static module does)

    /** Drops body bytes from {@link #in}; true when the body is complete. */
    private boolean skipBody() {
        if (chunked != null) {
            boolean done = chunked.skip(in);
            if (chunked.failed()) {
                // nginx answers 400 to a broken chunked body only if it still can; dropping the connection
                phase = Phase.DONE;
                return false;
            }
            if (done) {
                chunked = null;
            }
            return done;
        }
        int n = (int) Math.min(bodyLeft, in.readableBytes());
        in.skipBytes(n);
        bodyLeft -= n;
        return bodyLeft == 0;
    }

    /** A chunked body parser that only skips: sizes, extensions, data, trailers. */
    static final class ChunkedBody {
        private enum S { SIZE, DATA, DATA_END, TRAILER, DONE, FAILED }

        private S s = S.SIZE;
        private long left;

        boolean done() {
            return s == S.DONE;
        }

        boolean failed() {
            return s == S.FAILED;
        }

        boolean skip(ByteBuf in) {
            while (in.isReadable() && s != S.DONE && s != S.FAILED) {
                switch (s) {
                    case SIZE, TRAILER, DATA_END -> {
                        int lf = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
                        if (lf < 0) {
                            if (in.readableBytes() > 4096) {
                                s = S.FAILED;
                            }
                            return false;
                        }
                        String line = in.toString(in.readerIndex(), lf - in.readerIndex(), StandardCharsets.ISO_8859_1)
                                .strip();
                        in.readerIndex(lf + 1);
                        if (s == S.DATA_END) {
                            s = line.isEmpty() ? S.SIZE : S.FAILED;
                        } else if (s == S.TRAILER) {
                            if (line.isEmpty()) {
                                s = S.DONE;
                            }
                        } else {
                            int semi = line.indexOf(';');
                            try {
                                left = Long.parseLong(semi < 0 ? line : line.substring(0, semi).strip(), 16);
                                s = left == 0 ? S.TRAILER : left < 0 ? S.FAILED : S.DATA;
                            } catch (NumberFormatException e) {
                                s = S.FAILED;
                            }
                        }
                    }
                    case DATA -> {
                        int n = (int) Math.min(left, in.readableBytes());
                        in.skipBytes(n);
                        left -= n;
                        if (left == 0) {
                            s = S.DATA_END;
                        }
                    }
                    default -> {
                    }
                }
            }
            return s == S.DONE;
        }
    }

    // ---- timers

    private void schedule(ChannelHandlerContext ctx, long nanos) {
        cancelTimer();
        timer = ctx.executor().schedule(() -> close(ctx), Math.max(0, nanos), TimeUnit.NANOSECONDS);
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    /** For the fallback's 502: the same page and headers, then close. */
    static ChannelFuture badGateway(ChannelHandlerContext ctx) {
        byte[] body = NginxPages.page(502);
        String head = head(NginxPages.statusLine(502)) + "Content-Type: text/html\r\nContent-Length: " + body.length
                + "\r\nConnection: close\r\n\r\n";
        return ctx.writeAndFlush(Unpooled.wrappedBuffer(head.getBytes(StandardCharsets.ISO_8859_1), body));
    }
}
