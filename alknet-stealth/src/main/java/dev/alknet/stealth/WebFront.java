package dev.alknet.stealth;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * What a stealth listener shows a peer that is not one of ours: nginx 1.22 serving a static directory
 * ({@link NginxFront}) or a byte pipe to the real site behind ({@link FallbackPipe}). One per server; each
 * stream that the gate hands over gets its own {@link #handler}, fed with the bytes the gate read.
 */
public final class WebFront {

    private final StaticSite site;
    private final InetSocketAddress fallback;
    private final Duration connectTimeout;
    private final Class<? extends Channel> socketChannel;

    private WebFront(StaticSite site, InetSocketAddress fallback, Duration connectTimeout,
            Class<? extends Channel> socketChannel) {
        this.site = site;
        this.fallback = fallback;
        this.connectTimeout = connectTimeout;
        this.socketChannel = socketChannel;
    }

    /** nginx over {@code root} (null: an empty site, nginx's error pages only); checks the directory now. */
    public static WebFront site(Path root) throws IOException {
        return new WebFront(new StaticSite(root), null, null, null);
    }

    /**
     * A pipe to the plain-HTTP site at {@code target}, dialled for each stream on its own event loop.
     *
     * @param socketChannel the TCP channel type that fits the streams' event loops (epoll or NIO)
     */
    public static WebFront fallback(InetSocketAddress target, Duration connectTimeout,
            Class<? extends Channel> socketChannel) {
        return new WebFront(null, Objects.requireNonNull(target, "target"), connectTimeout,
                Objects.requireNonNull(socketChannel, "socketChannel"));
    }

    /**
     * The handler for one stream (autoRead off; it reads only when it needs bytes).
     *
     * @param https         the stream is TLS or QUIC (redirects say https://)
     * @param plainOnTls    plaintext arrived on the TLS port: nginx's "plain HTTP request was sent to HTTPS port"
     * @param headerTimeout nginx's {@code client_header_timeout}
     * @param deadline      System.nanoTime() by which the first request head must be complete
     */
    public ChannelHandler handler(boolean https, boolean plainOnTls, Duration headerTimeout, long deadline) {
        if (fallback != null) {
            return new FallbackPipe(fallback, connectTimeout, socketChannel);
        }
        return new NginxFront(site, https, plainOnTls, headerTimeout, deadline);
    }

    /**
     * Loads and runs the web front's code paths once (buffer pools, date formatting, locale data, the MIME
     * table, the parser): otherwise the first probe after a start waits a second or two for its answer.
     */
    public static void warmUp() {
        // Netty 4.2's adaptive allocator registers a JFR event type on its first chunk: ~1 s, once per JVM.
        ByteBufAllocator.DEFAULT.directBuffer(64).release();
        ByteBufAllocator.DEFAULT.heapBuffer(64).release();
        NginxPages.date(System.currentTimeMillis());
        NginxPages.parseDate(NginxPages.date(0));
        NginxPages.page(404);
        StaticSite.type("index.html");
        ByteBuf b = Unpooled.copiedBuffer(
                "GET /a/../b?c HTTP/1.1\r\nHost: x\r\nRange: bytes=0-1\r\n\r\n", StandardCharsets.US_ASCII);
        try {
            HttpHead.parse(b);
        } finally {
            b.release();
        }
        new ChunkedBody();
    }
}
