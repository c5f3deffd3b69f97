package dev.alknet.client;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alknet.transport.TransportException;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.proxy.ProxyConnectException;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ReconnectDelayTest {

    private static ConnectFailure failure(Throwable cause) {
        return new ConnectFailure("x", false, new IOException("wrapped", new TransportException("t", cause)));
    }

    @Test
    void backoffGrowsToThirtySecondsForFailuresThatCostTheServer() {
        ReconnectDelay d = new ReconnectDelay();
        ConnectFailure timeout = failure(new ConnectTimeoutException("timed out"));
        long max = 0;
        for (int i = 0; i < 12; i++) {
            Duration next = d.afterFailure(timeout);
            assertTrue(next.compareTo(ReconnectDelay.MAX) <= 0, next.toString());
            max = Math.max(max, next.toMillis());
        }
        assertTrue(max >= 15_000, "reaches the cap's jitter range: " + max);
    }

    @Test
    void aRefusingPortIsProbedAtLeastEveryTwoSeconds() {
        ReconnectDelay d = new ReconnectDelay();
        ConnectFailure refused = failure(new ConnectException("Connection refused"));
        for (int i = 0; i < 20; i++) {
            Duration next = d.afterFailure(refused);
            assertTrue(next.compareTo(ReconnectDelay.REFUSED_MAX) <= 0 && !next.isZero(), next.toString());
        }
    }

    @Test
    void refusedMeansATcpRefusalOnly() {
        assertTrue(ReconnectDelay.refused(failure(new ConnectException("Connection refused"))));
        assertFalse(ReconnectDelay.refused(failure(new ConnectTimeoutException("timeout"))));
        assertFalse(ReconnectDelay.refused(failure(new ProxyConnectException("socks5, none, p => t, status: 5",
                new ConnectException("refused")))));
        assertFalse(ReconnectDelay.refused(new ConnectFailure("auth", false, new IOException("no more methods"))));
    }

    @Test
    void onlyAStableSessionResetsTheBackoff() {
        ReconnectDelay d = new ReconnectDelay();
        ConnectFailure timeout = failure(new ConnectTimeoutException("timed out"));
        for (int i = 0; i < 8; i++) {
            d.afterFailure(timeout);
        }
        // A session that died after 1 s: the next wait stays long (the server may be dropping every session).
        assertTrue(d.afterLoss(Duration.ofSeconds(1)).toMillis() >= 15_000);
        // One that lived past STABLE: start over at 0.5 s.
        assertTrue(d.afterLoss(ReconnectDelay.STABLE).toMillis() <= 500);
    }
}
