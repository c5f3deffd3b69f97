package dev.alknet.server.dial;

import dev.alknet.transport.EventLoops;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.resolver.NoopAddressResolverGroup;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dials the destination itself: resolves the name on a {@link HostResolver} (never on an event loop), then tries each
 * address in resolver order (IPv6 and IPv4 alike) until one connects, all within one connect timeout.
 */
public final class DirectDialer extends TargetDialer {

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private static final Logger LOG = LoggerFactory.getLogger(DirectDialer.class);

    private final HostResolver resolver;
    private final Duration connectTimeout;
    private final Bootstrap bootstrap;

    /** The shared resolver pool behind its short answer cache ({@link CachingHostResolver}), 10 s connect timeout. */
    public DirectDialer() {
        this(CachingHostResolver.shared(), DEFAULT_CONNECT_TIMEOUT);
    }

    /**
     * @param connectTimeout bounds name lookup and all connect attempts together
     */
    public DirectDialer(HostResolver resolver, Duration connectTimeout) {
        this.resolver = Objects.requireNonNull(resolver, "resolver");
        this.connectTimeout = Objects.requireNonNull(connectTimeout, "connectTimeout");
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("connectTimeout: " + connectTimeout + " (expected: > 0)");
        }
        // Addresses are resolved before connect(); Noop makes sure Netty never falls back to blocking InetAddress.
        this.bootstrap = new Bootstrap()
                .group(EventLoops.group())
                .channel(EventLoops.socketChannel())
                .resolver(NoopAddressResolverGroup.INSTANCE)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        // The caller installs its own handlers once it owns the channel.
                    }
                });
    }

    @Override
    public CompletableFuture<Channel> dial(DialTarget target, AddressCheck check) {
        long deadline = System.nanoTime() + connectTimeout.toNanos();
        String host = target.host();
        int port = target.port();
        HostLiteral.Host parsed = target.parsed();
        String name = parsed.name();
        CompletableFuture<Channel> result = new CompletableFuture<>();
        // Asked on the SSH session's loop: the destination socket lives there too, so its bytes reach the session
        // without a hand-over between threads (EventLoops). Taken now: the lookup completes on another thread.
        EventLoop home = EventLoops.current();
        Bootstrap dialing = home != null ? bootstrap.clone(home) : bootstrap;
        CompletableFuture<List<InetAddress>> addresses = parsed.isAddress()
                ? CompletableFuture.completedFuture(List.of(parsed.address()))
                : resolver.resolve(name).orTimeout(connectTimeout.toNanos(), TimeUnit.NANOSECONDS);
        addresses.whenComplete((list, err) -> {
            if (err != null) {
                result.completeExceptionally(lookupFailure(host, err));
            } else if (list.isEmpty()) {
                result.completeExceptionally(DialErrors.unknownHost(host, null));
            } else if (!result.isDone()) {
                List<InetAddress> permitted = check.permitted(list);
                if (permitted.isEmpty()) {
                    LOG.debug("dial {} port {}: every address denied by policy: {}", host, port, list);
                    result.completeExceptionally(DialErrors.forbidden());
                    return;
                }
                LOG.debug("dial {} port {}: {} address(es)", host, port, permitted.size());
                new ConnectAttempts(dialing, permitted, port, deadline, result).start();
            }
        });
        return result;
    }

    private static DialException lookupFailure(String host, Throwable err) {
        Throwable cause = err instanceof java.util.concurrent.CompletionException && err.getCause() != null
                ? err.getCause() : err;
        if (cause instanceof TimeoutException) {
            return new DialException(DialFailure.TIMED_OUT, "name lookup timed out", cause);
        }
        if (cause instanceof DialException d) {
            return d;
        }
        return DialErrors.unknownHost(host, cause);
    }

}
