package dev.alknet.transport;

import io.netty.util.NetUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Name resolution off the event loops, for the dials that need a resolved address themselves (a QUIC
 * peer, an upstream proxy). IP literals resolve at once; names go through the JDK resolver on a small
 * pool of daemon threads. A lookup never runs on the caller's thread, which may be an event loop: with all
 * threads busy (a slow DNS) it waits in a bounded queue, and beyond that fails at once.
 */
public final class Resolver {

    /** How a name becomes an address (the JDK resolver; a test passes a slow one). */
    interface Lookup {
        InetAddress byName(String host) throws UnknownHostException;
    }

    /** The tunnel's own dials: the server, an upstream proxy, a resume. */
    static final ThreadPoolExecutor OWN = pool("alknet-dns", 16, 1024);
    /** Names a peer makes us look up (-R targets, a dynamic -R's CONNECTs): however many, they never delay OWN's. */
    static final ThreadPoolExecutor PEERS = pool("alknet-dns-peer", 16, 1024);

    /** {@code threads} lookups at once, {@code queued} more waiting; any further one is rejected. */
    static ThreadPoolExecutor pool(String name, int threads, int queued) {
        ThreadPoolExecutor p = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(queued), new DefaultThreadFactory(name, true));
        p.allowCoreThreadTimeOut(true);
        return p;
    }

    private Resolver() {
    }

    /** True if {@code host} is an IPv4 or IPv6 literal (IPv6 without brackets). */
    public static boolean isIpLiteral(String host) {
        return NetUtil.isValidIpV4Address(host) || NetUtil.isValidIpV6Address(host);
    }

    /** Resolves {@code host}; fails with {@link UnknownHostException} (the future's cause) if it cannot. */
    public static CompletableFuture<InetSocketAddress> resolve(String host, int port) {
        return resolve(host, port, OWN, InetAddress::getByName);
    }

    /**
     * As {@link #resolve}, for a name a peer asked for: on threads of their own, so a flood of slow names from a peer
     * cannot hold up the tunnel's own dials.
     */
    public static CompletableFuture<InetSocketAddress> resolveForPeer(String host, int port) {
        return resolve(host, port, PEERS, InetAddress::getByName);
    }

    static CompletableFuture<InetSocketAddress> resolve(String host, int port, Executor pool, Lookup lookup) {
        if (isIpLiteral(host)) {
            return CompletableFuture.completedFuture(
                    new InetSocketAddress(NetUtil.createInetAddressFromIpAddressString(host), port));
        }
        try {
            return CompletableFuture.supplyAsync(() -> {
                try {
                    return new InetSocketAddress(lookup.byName(host), port);
                } catch (UnknownHostException e) {
                    // The JDK's text varies ("h: Name or service not known", "h", ...): keep just the name.
                    throw new CompletionException(new UnknownHostException(host));
                }
            }, pool);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(
                    new UnknownHostException(host + " (not looked up: too many name lookups at once)"));
        }
    }

    /** Unwraps the {@link CompletionException} a {@code CompletableFuture} stage hands to its callbacks. */
    public static Throwable unwrap(Throwable t) {
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
