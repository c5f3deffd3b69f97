package dev.alknet.client;

import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.proxy.ProxyConnectException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How long the supervisor waits before its next attempt to bring the tunnel up.
 *
 * <p>Exponential backoff from 0.5 s to a 30 s cap, with jitter ({@link Backoff}), for every failure, with one
 * exception: while the server's port <em>refuses</em> connections the wait is at most 1-2 s. A refused TCP
 * connect costs the server nothing (a kernel RST: no handshake, no crypto), and it is exactly what a server
 * being restarted looks like, so the client is back within ~2 s of the server listening again instead of up
 * to 30 s. Timeouts, proxy, TLS and SSH failures keep the full backoff, which is what spares a struggling
 * server. The backoff starts over only after a session stayed up for {@link #STABLE}, so a server that
 * accepts and then drops every session is not hit every half second.
 */
final class ReconnectDelay {

    static final Duration MIN = Duration.ofMillis(500);
    static final Duration MAX = Duration.ofSeconds(30);
    static final Duration REFUSED_MAX = Duration.ofSeconds(2);
    static final Duration STABLE = Duration.ofSeconds(10);

    private final Backoff backoff = new Backoff(MIN, MAX);

    /** The wait after a failed attempt. */
    Duration afterFailure(Throwable failure) {
        Duration d = backoff.next();
        if (refused(failure) && d.compareTo(REFUSED_MAX) > 0) {
            long max = REFUSED_MAX.toMillis();
            return Duration.ofMillis(max / 2 + ThreadLocalRandom.current().nextLong(max / 2 + 1));
        }
        return d;
    }

    /** The wait after an established session ended, {@code lifetime} after it came up. */
    Duration afterLoss(Duration lifetime) {
        if (lifetime.compareTo(STABLE) >= 0) {
            backoff.reset();
        }
        return backoff.next();
    }

    /** A direct TCP refusal (RST) of the server or proxy port; not a timeout, not a proxy's answer. */
    static boolean refused(Throwable failure) {
        boolean refused = false;
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ProxyConnectException || t instanceof ConnectTimeoutException) {
                return false;
            }
            if (t instanceof ConnectException) {
                refused = true;
            }
        }
        return refused;
    }
}
