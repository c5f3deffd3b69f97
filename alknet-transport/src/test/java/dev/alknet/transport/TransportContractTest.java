package dev.alknet.transport;

import static dev.alknet.transport.Streams.await;
import static dev.alknet.transport.Streams.sha256;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alknet.testkit.Await;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The {@link Transport} contract, run against each transport on loopback. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
public abstract class TransportContractTest {

    protected static final int SIZE = 16 << 20;

    protected TransportListener listener;
    protected Channel client;

    /** The transport under test (listening side). */
    protected abstract Transport serverTransport() throws Exception;

    /** The dialling side; the same transport unless a test goes through a proxy. */
    protected Transport clientTransport() throws Exception {
        return serverTransport();
    }

    protected TransportListener listen(StreamAcceptor acceptor) throws Exception {
        Transport t = serverTransport();
        listener = t.listen(new Endpoint(t.scheme(), "127.0.0.1", 0), acceptor);
        return listener;
    }

    protected Endpoint target() throws Exception {
        return new Endpoint(serverTransport().scheme(), "127.0.0.1", listener.localAddress().getPort());
    }

    protected Channel connect() throws Exception {
        client = await(clientTransport().connect(target()), 15);
        return client;
    }

    @AfterEach
    void tearDown() {
        if (client != null) {
            client.close();
        }
        if (listener != null) {
            listener.close();
        }
    }

    protected static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void echoes16MiBByteExact() throws Exception {
        listen(ch -> Streams.start(ch, new Streams.Echo()));
        Channel c = connect();
        Streams.Sink sink = new Streams.Sink(false);
        Streams.start(c, sink);
        byte[] data = random(SIZE, 1);
        long t0 = System.nanoTime();
        Streams.sendAndFin(c, data);
        String got = await(sink.done, 25);
        double secs = (System.nanoTime() - t0) / 1e9;
        assertEquals(SIZE, sink.bytes, "bytes echoed");
        assertEquals(sha256(data), got, "sha256 of the echo");
        System.out.printf("THROUGHPUT %s: 16 MiB echoed in %.2f s = %.0f MiB/s each way%n",
                getClass().getSimpleName(), secs, 16 / secs);
    }

    @Test
    void clientHalfClosesFirstServerStillSends() throws Exception {
        byte[] request = "request, then FIN".getBytes(StandardCharsets.US_ASCII);
        byte[] response = random(1 << 20, 2);
        CompletableFuture<Streams.Sink> server = new CompletableFuture<>();
        listen(ch -> {
            Streams.Sink s = new Streams.Sink(true);
            // Only after the client's FIN does the server answer: its output must still work.
            s.done.thenRun(() -> Streams.sendAndFin(ch, response));
            Streams.start(ch, s);
            server.complete(s);
        });
        Channel c = connect();
        Streams.Sink sink = new Streams.Sink(true);
        Streams.start(c, sink);
        assertTrue(Streams.sendAndFin(c, request).await(10, TimeUnit.SECONDS));
        assertEquals(sha256(response), await(sink.done, 15));
        assertArrayEquals(request, await(server, 5).received());
    }

    @Test
    void serverHalfClosesFirstClientStillSends() throws Exception {
        byte[] hello = "hello".getBytes(StandardCharsets.US_ASCII);
        byte[] response = random(1 << 20, 3);
        byte[] rest = random(1 << 20, 4);
        CompletableFuture<Streams.Sink> server = new CompletableFuture<>();
        listen(ch -> {
            Streams.Sink s = new Streams.Sink(true);
            Streams.start(ch, s);
            Streams.sendAndFin(ch, response); // server FIN first
            server.complete(s);
        });
        Channel c = connect();
        Streams.Sink sink = new Streams.Sink(true);
        Streams.start(c, sink);
        c.writeAndFlush(Unpooled.wrappedBuffer(hello)); // (a QUIC server sees the stream once data arrives)
        assertEquals(sha256(response), await(sink.done, 15), "client got the server's data and FIN");
        assertTrue(c.isActive(), "half-closed by the server, the client stream is still open");
        assertTrue(Streams.sendAndFin(c, rest).await(10, TimeUnit.SECONDS));
        Streams.Sink s = await(server, 5);
        byte[] all = new byte[hello.length + rest.length];
        System.arraycopy(hello, 0, all, 0, hello.length);
        System.arraycopy(rest, 0, all, hello.length, rest.length);
        assertEquals(sha256(all), await(s.done, 15), "server got everything the client sent after its FIN: " + s.bytes + " of " + all.length);
    }

    @Test
    void streamsAreHandedOverWithAutoReadOffAndNothingRead() throws Exception {
        byte[] banner = "SSH-2.0-server speaks first\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] hello = "SSH-2.0-client\r\n".getBytes(StandardCharsets.US_ASCII);
        CompletableFuture<Channel> accepted = new CompletableFuture<>();
        CompletableFuture<Boolean> serverAutoRead = new CompletableFuture<>();
        CompletableFuture<Void> bannerSent = new CompletableFuture<>();
        listen(ch -> {
            serverAutoRead.complete(ch.config().isAutoRead() || !ch.isActive());
            ch.writeAndFlush(Unpooled.wrappedBuffer(banner)).addListener(f -> bannerSent.complete(null));
            accepted.complete(ch);
        });
        Channel c = connect();
        assertFalse(c.config().isAutoRead(), "client stream autoRead");
        assertTrue(c.isActive(), "client stream active");
        ChannelFuture helloSent = c.writeAndFlush(Unpooled.wrappedBuffer(hello));
        Channel s = await(accepted, 10);
        assertFalse(await(serverAutoRead, 1), "server stream active with autoRead off");

        // Both peers' data has left the sender (and may have been read ahead by a handshake) before the
        // handlers go in: delivered unasked, it would reach them (or, earlier, be lost: the checks below fail).
        await(bannerSent, 10);
        assertTrue(helloSent.awaitUninterruptibly(10, TimeUnit.SECONDS), "client data sent");
        Streams.Sink clientSink = new Streams.Sink(true);
        Streams.Sink serverSink = new Streams.Sink(true);
        c.eventLoop().submit(() -> c.pipeline().addLast(clientSink)).get();
        s.eventLoop().submit(() -> s.pipeline().addLast(serverSink)).get();
        Await.never(() -> clientSink.bytes > 0 || serverSink.bytes > 0, Duration.ofMillis(300),
                () -> "a handler saw data before it enabled reading");
        assertEquals(0, clientSink.bytes, "client handler saw data before it enabled reading");
        assertEquals(0, serverSink.bytes, "server handler saw data before it enabled reading");

        c.eventLoop().execute(() -> c.config().setAutoRead(true));
        s.eventLoop().execute(() -> s.config().setAutoRead(true));
        await(clientSink.firstByte, 5);
        await(serverSink.firstByte, 5);
        waitFor(() -> clientSink.bytes >= banner.length && serverSink.bytes >= hello.length);
        assertArrayEquals(banner, clientSink.received());
        assertArrayEquals(hello, serverSink.received());
    }

    protected static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        dev.alknet.testkit.Await.await(condition, java.time.Duration.ofSeconds(10), "the condition");
    }
}
