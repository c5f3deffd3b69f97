package dev.alknet.server.dial;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alknet.core.channel.DestinationSocket;
import io.netty.channel.Channel;
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
            Thread.sleep(200);
            // The peer reads nothing yet, so most of the 16 MiB must still be queued in Netty.
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
