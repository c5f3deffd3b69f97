package dev.alknet.transport.resume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alknet.transport.EventLoops;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The resume dialer against a real loopback server whose first connections misbehave: the dialer must get past
 * them to the answer of a later attempt (here a refusal, which ends the resume at once and is easy to observe).
 */
class ResumeDialerTest {

    private ServerSocket server;
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final CompletableFuture<String> failed = new CompletableFuture<>();
    private ResumableStream stream;

    @BeforeEach
    void setUp() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        stream = new ResumableStream(ResumableStream.Settings.defaults(Duration.ofSeconds(60)));
        stream.arm(ResumeToken.random());
        stream.owner(new ResumableStream.Owner() {
            @Override
            public void carrierLost() {
            }

            @Override
            public void resumedOn(Channel carrier) {
            }

            @Override
            public void resumeFailed(String why) {
                failed.complete(why);
            }
        });
    }

    @AfterEach
    void tearDown() throws IOException {
        stream.end();
        server.close();
        for (Socket s : accepted) {
            s.close();
        }
    }

    @Test
    void aCarrierResetBeforeTheHelloIsRetried() throws Exception {
        refuseOnSecondConnection();
        // The first carrier is handed over already closed (a reset right after connect, before the dialer's
        // handler is in place): no close event will reach the handler.
        AtomicInteger dials = new AtomicInteger();
        Supplier<CompletableFuture<Channel>> dial = firstCarrierThrough(dials, c -> {
            CompletableFuture<Channel> closed = new CompletableFuture<>();
            // handed over once the close events have passed (a reset seen before the hand-over)
            c.close().addListener(f -> CompletableFuture.delayedExecutor(100, TimeUnit.MILLISECONDS)
                    .execute(() -> closed.complete(c)));
            return closed;
        });
        new ResumeDialer(stream, dial, Duration.ofSeconds(30)).start();
        assertTrue(failed.get(10, TimeUnit.SECONDS).contains("does not know the session"), failed.join());
        assertEquals(2, dials.get());
    }

    /**
     * A carrier that goes away without its close events reaching the hello handler (as when a transport's read gate
     * still held them: seen in CI, the resume stalled until the client's grace ran out) is retried: the handler's
     * removal without an answer counts as a dead attempt.
     */
    @Test
    void aCarrierTornDownSilentlyIsRetried() throws Exception {
        refuseOnSecondConnection();
        AtomicInteger dials = new AtomicInteger();
        Supplier<CompletableFuture<Channel>> dial = firstCarrierThrough(dials, c -> {
            c.pipeline().addLast(new ChannelDuplexHandler() {
                @Override
                public void channelInactive(ChannelHandlerContext ctx) {
                    // swallowed, as a read gate holds it
                }

                @Override
                public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                    // swallowed
                }

                @Override
                public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                    ReferenceCountUtil.release(msg);
                    promise.setFailure(new IOException("reset"));
                    ctx.close();
                }
            });
            return CompletableFuture.completedFuture(c);
        });
        new ResumeDialer(stream, dial, Duration.ofSeconds(30)).start();
        assertTrue(failed.get(10, TimeUnit.SECONDS).contains("does not know the session"), failed.join());
        assertEquals(2, dials.get());
    }

    @Test
    void anUnansweredHelloIsRetriedAfterTheAnswerTimeout() throws Exception {
        refuseOnSecondConnection(); // the first connection is held open and never answered
        long start = System.nanoTime();
        new ResumeDialer(stream, this::connect, Duration.ofMillis(500)).start();
        assertTrue(failed.get(10, TimeUnit.SECONDS).contains("does not know the session"), failed.join());
        assertEquals(2, connections.get());
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(500));
    }

    /** Connection refused (a relay or NAT restarting, the server not yet back) is a path not there yet: retried. */
    @Test
    void aRefusedDialIsRetriedUntilTheServerAnswers() throws Exception {
        answerOn(1, ResumeHello.no());
        AtomicInteger dials = new AtomicInteger();
        Supplier<CompletableFuture<Channel>> dial = () -> dials.incrementAndGet() <= 3
                ? CompletableFuture.failedFuture(new java.net.ConnectException("Connection refused"))
                : connect();
        new ResumeDialer(stream, dial, Duration.ofSeconds(30)).start();
        assertTrue(failed.get(10, TimeUnit.SECONDS).contains("does not know the session"), failed.join());
        assertEquals(4, dials.get());
        assertEquals(4, stream.attemptStarted() - 1, "each dial counted as an attempt");
    }

    /** STALE: the server knows the session but not this hello's counter (an older hello got there late). */
    @Test
    void aStaleAnswerIsRetriedWithANewHello() throws Exception {
        answerOn(1, ResumeHello.stale());
        answerOn(2, ResumeHello.no());
        new ResumeDialer(stream, this::connect, Duration.ofSeconds(30)).start();
        assertTrue(failed.get(10, TimeUnit.SECONDS).contains("does not know the session"), failed.join());
        assertEquals(2, connections.get());
    }

    /** A dial that hangs (SYNs into a black hole) is given up at the attempt's deadline, and tried again. */
    @Test
    void aHangingDialIsAbandonedAtTheDeadline() throws Exception {
        answerOn(1, ResumeHello.no());
        AtomicInteger dials = new AtomicInteger();
        Supplier<CompletableFuture<Channel>> dial = () -> dials.incrementAndGet() == 1
                ? new CompletableFuture<>() : connect();
        new ResumeDialer(stream, dial, Duration.ofMillis(300)).start();
        assertTrue(failed.get(10, TimeUnit.SECONDS).contains("does not know the session"), failed.join());
        assertEquals(2, dials.get());
    }

    @Test
    void backoffStartsUnder100MsAndStaysWithinOneSecond() {
        for (int i = 0; i < 200; i++) {
            long first = ResumeDialer.retryDelayMs(0);
            assertTrue(first >= 50 && first <= 100, "first retry " + first);
            long late = ResumeDialer.retryDelayMs(30);
            assertTrue(late >= 500 && late <= 1000, "capped retry " + late);
        }
    }

    /** The server answers {@code answer} on its {@code n}-th connection (from 1); the others stay silent. */
    private void answerOn(int n, byte[] answer) {
        answers.put(n, answer);
        if (answers.size() == 1) {
            Thread t = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket s = server.accept();
                        accepted.add(s);
                        byte[] a = answers.get(connections.incrementAndGet());
                        if (a != null) {
                            s.getOutputStream().write(a);
                            s.getOutputStream().flush();
                        }
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "resume-dialer-test-server");
            t.setDaemon(true);
            t.start();
        }
    }

    private final java.util.Map<Integer, byte[]> answers = new java.util.concurrent.ConcurrentHashMap<>();

    /** Dials as {@link #connect()} does, but hands the first carrier over through {@code first}; counts the dials. */
    private Supplier<CompletableFuture<Channel>> firstCarrierThrough(AtomicInteger dials,
            java.util.function.Function<Channel, CompletableFuture<Channel>> first) {
        return () -> dials.getAndIncrement() > 0 ? connect() : connect().thenCompose(first);
    }

    /** Every connection but the second is accepted and left silent; the second gets the server's refusal. */
    private void refuseOnSecondConnection() {
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    accepted.add(s);
                    if (connections.incrementAndGet() == 2) {
                        OutputStream out = s.getOutputStream();
                        out.write(ResumeHello.no());
                        out.flush();
                    }
                } catch (IOException e) {
                    return;
                }
            }
        }, "resume-dialer-test-server");
        t.setDaemon(true);
        t.start();
    }

    private CompletableFuture<Channel> connect() {
        CompletableFuture<Channel> result = new CompletableFuture<>();
        new Bootstrap().group(EventLoops.group()).channel(EventLoops.socketChannel())
                .option(ChannelOption.AUTO_READ, false)
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                    }
                })
                .connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()))
                .addListener(f -> {
                    if (f.isSuccess()) {
                        result.complete(((io.netty.channel.ChannelFuture) f).channel());
                    } else {
                        result.completeExceptionally(f.cause());
                    }
                });
        return result;
    }
}
