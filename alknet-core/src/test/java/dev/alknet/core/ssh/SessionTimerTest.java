package dev.alknet.core.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.client.ClientBuilder;
import org.apache.sshd.client.SshClient;
import org.junit.jupiter.api.Test;

class SessionTimerTest {

    @Test
    void aCancelledTimeoutLeavesTheQueueAtOnce() {
        ScheduledThreadPoolExecutor timer = (ScheduledThreadPoolExecutor) SessionTimer.create("test-timer");
        try {
            for (int i = 0; i < 1000; i++) {
                ScheduledFuture<?> f = timer.schedule(() -> { }, 5, TimeUnit.SECONDS);
                f.cancel(false);
            }
            assertEquals(0, timer.getQueue().size());
        } finally {
            timer.shutdownNow();
        }
    }

    @Test
    void aClientStartsWithIt() throws IOException {
        try (SshClient client = ClientBuilder.builder().factory(() -> new TransportSshClient(null)).build()) {
            client.start();
            ScheduledThreadPoolExecutor timer = (ScheduledThreadPoolExecutor) client.getScheduledExecutorService();
            assertTrue(timer.getRemoveOnCancelPolicy());
        }
    }

    @Test
    void aTimerSetByAnEmbedderIsKept() {
        SshClient client = SshClient.setUpDefaultClient();
        ScheduledExecutorService mine = new ScheduledThreadPoolExecutor(1);
        try {
            client.setScheduledExecutorService(mine);
            SessionTimer.installOn(client);
            assertSame(mine, client.getScheduledExecutorService());
        } finally {
            mine.shutdownNow();
        }
    }
}
