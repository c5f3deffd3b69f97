package dev.alknet.it;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicClientCodecBuilder;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.codec.quic.QuicStreamType;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Slowloris peers for the tls and quic listeners: each completes nothing, and when the server drops it, it comes
 * back (while {@link #reconnect} holds), so that {@code count} of them stay held. They come from loopback addresses
 * other than 127.0.0.1 ({@code 127.0.0.2} and up, a few dozen per address) so that {@code --max-conns-per-ip} does
 * not stand in for the deadlines under test, and the real client (127.0.0.1) is not counted with them.
 */
final class SlowPeers implements AutoCloseable {

    static final String ALPN = "alknet-ssh";

    /** What a TLS peer does: never finish its ClientHello, finish TLS and say nothing, or a slow SSH banner. */
    enum TlsKind { PARTIAL_CLIENT_HELLO, SILENT_AFTER_TLS, SLOW_SSH_BANNER }

    /** How long the server kept one peer, from the moment its stalling began, by kind. */
    final ConcurrentHashMap<String, ConcurrentLinkedQueue<Long>> heldMillis = new ConcurrentHashMap<>();
    final AtomicInteger held = new AtomicInteger();
    final AtomicInteger opened = new AtomicInteger();
    final AtomicInteger failedToOpen = new AtomicInteger();
    volatile boolean reconnect = true;
    private final List<Thread> threads = new ArrayList<>();
    private final List<AutoCloseable> resources = Collections.synchronizedList(new ArrayList<>());
    private final List<Thread> quicWatchers = new ArrayList<>();

    private static final byte[] CLIENT_HELLO = clientHello();
    private static final byte[] SSH_BANNER = "SSH-2.0-slowloris_1.0\r\n".getBytes(StandardCharsets.US_ASCII);

    static InetAddress source(int i) {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) (2 + i / 40)});
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- TLS ----

    /** Starts {@code count} TLS peers on {@code port}, kinds in turn. */
    void tls(int port, int count) {
        for (int i = 0; i < count; i++) {
            TlsKind kind = TlsKind.values()[i % TlsKind.values().length];
            InetAddress from = source(i);
            Thread t = new Thread(null, () -> tlsLoop(port, kind, from), "slowloris-tls-" + i, 256 << 10);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    private void tlsLoop(int port, TlsKind kind, InetAddress from) {
        while (reconnect) {
            Socket s = null;
            long start;
            try {
                Socket plain = new Socket();
                s = plain;
                resources.add(plain);
                plain.bind(new InetSocketAddress(from, 0));
                plain.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
                if (kind != TlsKind.PARTIAL_CLIENT_HELLO) {
                    SSLSocket tls = (SSLSocket) trustAll().getSocketFactory().createSocket(plain, "127.0.0.1", port, true);
                    SSLParameters p = tls.getSSLParameters();
                    p.setApplicationProtocols(new String[] {ALPN});
                    tls.setSSLParameters(p);
                    tls.setSoTimeout(30_000);
                    tls.startHandshake();
                    s = tls;
                }
                start = System.nanoTime();
            } catch (IOException e) {
                failedToOpen.incrementAndGet();
                closeQuietly(s);
                resources.removeIf(r -> r instanceof Socket sock && sock.isClosed());
                sleep(200);
                continue;
            }
            opened.incrementAndGet();
            held.incrementAndGet();
            stall(s, kind == TlsKind.PARTIAL_CLIENT_HELLO ? CLIENT_HELLO
                    : kind == TlsKind.SLOW_SSH_BANNER ? SSH_BANNER : new byte[0]);
            held.decrementAndGet();
            heldMillis.computeIfAbsent(kind.name(), k -> new ConcurrentLinkedQueue<>())
                    .add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            closeQuietly(s);
            resources.removeIf(r -> r instanceof Socket sock && sock.isClosed());
        }
    }

    /** Sends {@code trickle} one byte a second (the rest of it never), reads whatever comes, until the server closes. */
    private static void stall(Socket s, byte[] trickle) {
        try {
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            byte[] sink = new byte[4096];
            long next = System.nanoTime();
            int sent = 0;
            while (true) {
                long now = System.nanoTime();
                if (now >= next) {
                    if (sent < trickle.length - 1) { // never the last byte
                        out.write(trickle[sent++]);
                        out.flush();
                    }
                    next = now + TimeUnit.SECONDS.toNanos(1);
                }
                s.setSoTimeout((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(next - System.nanoTime())));
                try {
                    if (in.read(sink) < 0) {
                        return;
                    }
                } catch (SocketTimeoutException stillOpen) {
                    // nothing from the server yet
                }
            }
        } catch (IOException closedByTheServer) {
            // reset or closed: the server gave up on us
        }
    }

    /** The first flight of a real TLS 1.3 client offering our ALPN: a ClientHello to trickle. */
    private static byte[] clientHello() {
        try {
            SSLEngine e = trustAll().createSSLEngine("127.0.0.1", 443);
            e.setUseClientMode(true);
            SSLParameters p = e.getSSLParameters();
            p.setApplicationProtocols(new String[] {ALPN});
            e.setSSLParameters(p);
            ByteBuffer out = ByteBuffer.allocate(e.getSession().getPacketBufferSize());
            e.beginHandshake();
            e.wrap(ByteBuffer.allocate(0), out);
            out.flip();
            byte[] b = new byte[out.remaining()];
            out.get(b);
            return b;
        } catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static SSLContext trustAll() {
        try {
            SSLContext c = SSLContext.getInstance("TLSv1.3");
            c.init(null, new TrustManager[] {new X509TrustManager() {
                public void checkClientTrusted(X509Certificate[] chain, String auth) {
                }

                public void checkServerTrusted(X509Certificate[] chain, String auth) {
                }

                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, new SecureRandom());
            return c;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- QUIC ----

    private EventLoopGroup quicGroup;

    /**
     * Starts {@code count} QUIC peers on {@code port}: each finishes the handshake, opens a bidirectional stream and
     * never writes to it (so the server never even sees the stream).
     */
    void quic(int port, int count) throws InterruptedException {
        quicGroup = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        QuicSslContext ssl = QuicSslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE)
                .applicationProtocols(ALPN).build();
        List<Channel> sockets = new ArrayList<>();
        for (int a = 0; a < (count + 39) / 40; a++) {
            Channel udp = new Bootstrap().group(quicGroup).channel(NioDatagramChannel.class)
                    .handler(new QuicClientCodecBuilder().sslContext(ssl)
                            .maxIdleTimeout(120, TimeUnit.SECONDS)
                            .initialMaxData(1 << 20).initialMaxStreamDataBidirectionalLocal(1 << 20)
                            .initialMaxStreamDataBidirectionalRemote(1 << 20).build())
                    .bind(new InetSocketAddress(source(a * 40), 0)).sync().channel();
            sockets.add(udp);
            resources.add(() -> udp.close().syncUninterruptibly());
        }
        for (int i = 0; i < count; i++) {
            Channel udp = sockets.get(i / 40);
            Thread t = new Thread(() -> quicLoop(udp, port), "slowloris-quic-" + i);
            t.setDaemon(true);
            quicWatchers.add(t);
            t.start();
        }
    }

    private void quicLoop(Channel udp, int port) {
        while (reconnect) {
            QuicChannel quic;
            long start;
            try {
                quic = QuicChannel.newBootstrap(udp)
                        .handler(new ChannelInboundHandlerAdapter())
                        .streamHandler(new ChannelInboundHandlerAdapter())
                        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                        .remoteAddress(new InetSocketAddress("127.0.0.1", port))
                        .connect().get(20, TimeUnit.SECONDS);
                start = System.nanoTime();
                quic.createStream(QuicStreamType.BIDIRECTIONAL, new ChannelInboundHandlerAdapter())
                        .get(10, TimeUnit.SECONDS); // opened, and never written to
            } catch (Exception e) {
                failedToOpen.incrementAndGet();
                sleep(200);
                continue;
            }
            opened.incrementAndGet();
            held.incrementAndGet();
            AutoCloseable closer = () -> quic.close().syncUninterruptibly();
            resources.add(closer);
            quic.closeFuture().awaitUninterruptibly(120_000);
            resources.remove(closer);
            held.decrementAndGet();
            heldMillis.computeIfAbsent("QUIC_SILENT_STREAM", k -> new ConcurrentLinkedQueue<>())
                    .add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        }
    }

    // ---- ----

    /** "KIND: n closed, held min..max ms (median m)" per kind. */
    String report() {
        StringBuilder b = new StringBuilder();
        heldMillis.forEach((kind, q) -> {
            List<Long> v = new ArrayList<>(q);
            Collections.sort(v);
            b.append(String.format("%s: %d closed by the server, held %d..%d ms (median %d); ", kind, v.size(),
                    v.get(0), v.get(v.size() - 1), v.get(v.size() / 2)));
        });
        return b + "opened " + opened + ", failed to open " + failedToOpen;
    }

    /** Waits until every peer has been closed by the server (after {@code reconnect = false}); false on time-out. */
    boolean awaitAllClosed(long millis) throws InterruptedException {
        long end = System.currentTimeMillis() + millis;
        for (Thread t : concat()) {
            t.join(Math.max(1, end - System.currentTimeMillis()));
            if (t.isAlive()) {
                return false;
            }
        }
        return true;
    }

    private List<Thread> concat() {
        List<Thread> all = new ArrayList<>(threads);
        all.addAll(quicWatchers);
        return all;
    }

    /** Pacing: a peer that failed to connect tries again after a pause instead of spinning. */
    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws InterruptedException {
        reconnect = false;
        synchronized (resources) {
            resources.forEach(SlowPeers::closeQuietly);
        }
        for (Thread t : concat()) {
            t.join(5000);
        }
        if (quicGroup != null) {
            quicGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
