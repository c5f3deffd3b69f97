package dev.alknet.server.dial;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One dial's sequential connect attempts over the resolved addresses. Each attempt gets an equal share of the time
 * left, so a black-holed first address cannot starve the others. Not thread-safe: the next attempt starts only from
 * the previous attempt's listener.
 */
final class ConnectAttempts {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectAttempts.class);

    private final Bootstrap bootstrap;
    private final List<InetAddress> addresses;
    private final int port;
    private final long deadlineNanos;
    private final CompletableFuture<Channel> result;
    private int next;
    private Throwable lastError;
    private volatile ChannelFuture inFlight;

    ConnectAttempts(Bootstrap bootstrap, List<InetAddress> addresses, int port, long deadlineNanos,
            CompletableFuture<Channel> result) {
        this.bootstrap = bootstrap;
        this.addresses = addresses;
        this.port = port;
        this.deadlineNanos = deadlineNanos;
        this.result = result;
    }

    void start() {
        result.whenComplete((ch, err) -> {
            ChannelFuture pending = inFlight;
            if (result.isCancelled() && pending != null) {
                pending.channel().close();
            }
        });
        tryNext();
    }

    private void tryNext() {
        if (result.isDone()) {
            return;
        }
        long remaining = deadlineNanos - System.nanoTime();
        if (next >= addresses.size() || remaining <= 0) {
            Throwable cause = lastError != null ? lastError : new ConnectTimeoutException("no time left");
            result.completeExceptionally(DialErrors.classify(cause));
            return;
        }
        long shareMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining) / (addresses.size() - next));
        InetSocketAddress target = new InetSocketAddress(addresses.get(next++), port);
        ChannelFuture attempt = bootstrap.clone()
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, shareMillis))
                .connect(target);
        inFlight = attempt;
        attempt.addListener(f -> {
            if (f.isSuccess()) {
                if (!result.complete(attempt.channel())) {
                    attempt.channel().close(); // cancelled meanwhile
                }
                return;
            }
            LOG.debug("connect {} failed: {}", target, f.cause().toString());
            lastError = DialErrors.withRoute(f.cause(), target);
            tryNext();
        });
    }
}
