package dev.alknet.transport;

import io.netty.util.NetUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Name resolution off the event loops, for the dials that need a resolved address themselves (a QUIC
 * peer, an upstream proxy). IP literals resolve at once; names go through the JDK resolver on a small
 * pool of daemon threads.
 */
public final class Resolver {

    private static final ExecutorService POOL = new ThreadPoolExecutor(0, 16, 30, TimeUnit.SECONDS,
            new SynchronousQueue<>(), new DefaultThreadFactory("alknet-dns", true),
            new ThreadPoolExecutor.CallerRunsPolicy());

    private Resolver() {
    }

    /** True if {@code host} is an IPv4 or IPv6 literal (IPv6 without brackets). */
    public static boolean isIpLiteral(String host) {
        return NetUtil.isValidIpV4Address(host) || NetUtil.isValidIpV6Address(host);
    }

    /** Resolves {@code host}; fails with {@link UnknownHostException} (the future's cause) if it cannot. */
    public static CompletableFuture<InetSocketAddress> resolve(String host, int port) {
        if (isIpLiteral(host)) {
            return CompletableFuture.completedFuture(
                    new InetSocketAddress(NetUtil.createInetAddressFromIpAddressString(host), port));
        }
        return CompletableFuture.supplyAsync(() -> {
            try {
                return new InetSocketAddress(InetAddress.getByName(host), port);
            } catch (UnknownHostException e) {
                // The JDK's text varies ("h: Name or service not known", "h", ...): keep just the name.
                throw new CompletionException(new UnknownHostException(host));
            }
        }, POOL);
    }

    /** Unwraps the {@link CompletionException} a {@code CompletableFuture} stage hands to its callbacks. */
    public static Throwable unwrap(Throwable t) {
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
