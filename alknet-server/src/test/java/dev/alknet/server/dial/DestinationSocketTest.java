package dev.alknet.server.dial;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alknet.core.channel.DestinationSocket;
import dev.alknet.testkit.Await;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import java.net.Socket;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 20, unit = TimeUnit.SECONDS)
class DestinationSocketTest {

    @Test
    void outputShutdownWaitsForQueuedWritesInsteadOfFailingThem() throws Exception {
        byte[] data = new byte[16 << 20];
        new Random(7).nextBytes(data);
        CompletableFuture<byte[]> received = new CompletableFuture<>();
        CompletableFuture<Void> startReading = new CompletableFuture<>();
        try (TestTarget target = new TestTarget(s -> receive(s, startReading, received), 64 * 1024)) {
            Channel ch = new DirectDialer(ExecutorHostResolver.shared(), Duration.ofSeconds(5))
                    .dial("127.0.0.1", target.port()).get(5, TimeUnit.SECONDS);
            DestinationSocket socket = new DestinationSocket(ch, null);
            for (int off = 0; off < data.length; off += 32 * 1024) {
                socket.write(data, off, 32 * 1024, f -> { });
            }
            var shutdown = socket.shutdownOutputAfterWrites(() -> false);
            // The peer reads nothing yet, so most of the 16 MiB must still be queued in Netty; looked at on the
            // stream's loop, after the shutdown's own steps there: a shutdown that did not wait would be done.
            long queued = ch.eventLoop().submit(() -> {
                ChannelOutboundBuffer b = ch.unsafe().outboundBuffer();
                return b == null ? 0 : b.totalPendingWriteBytes();
            }).get(10, TimeUnit.SECONDS);
            assertTrue(queued > 0, "nothing queued: the peer took it all");
            Await.never(shutdown::isDone, Duration.ofMillis(200), () -> "shutdown waited for queued writes");
            assertTrue(!shutdown.isDone(), "shutdown waited for queued writes");
            startReading.complete(null);
            assertTrue(shutdown.await(10, TimeUnit.SECONDS) && shutdown.isSuccess(), "output shut down");
            assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(data), received.get(10, TimeUnit.SECONDS));
            socket.close(true);
        }
    }

    private static void receive(Socket s, CompletableFuture<Void> start, CompletableFuture<byte[]> received)
            throws Exception {
        start.get(10, TimeUnit.SECONDS);
        received.complete(MessageDigest.getInstance("SHA-256").digest(s.getInputStream().readAllBytes()));
    }
}
