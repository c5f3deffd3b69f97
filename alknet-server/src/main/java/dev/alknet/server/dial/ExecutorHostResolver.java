package dev.alknet.server.dial;

import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Runs the JDK's blocking {@link InetAddress#getAllByName} (system resolver, /etc/hosts, JDK cache) on a small
 * bounded pool, so no event loop and no SSH session thread ever waits on DNS. A full queue fails the lookup rather
 * than growing without bound.
 */
public final class ExecutorHostResolver implements HostResolver, AutoCloseable {

    private static final class Shared {
        static final ExecutorHostResolver INSTANCE = new ExecutorHostResolver(8, 1024);
    }

    private final ThreadPoolExecutor pool;

    public ExecutorHostResolver(int threads, int queueLimit) {
        pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(queueLimit),
                new DefaultThreadFactory("alknet-dns", true));
        pool.allowCoreThreadTimeOut(true);
    }

    /** The process-wide default: 8 threads, 1024 queued lookups. */
    public static ExecutorHostResolver shared() {
        return Shared.INSTANCE;
    }

    @Override
    public CompletableFuture<List<InetAddress>> resolve(String host) {
        CompletableFuture<List<InetAddress>> result = new CompletableFuture<>();
        try {
            pool.execute(() -> {
                try {
                    result.complete(List.of(InetAddress.getAllByName(host)));
                } catch (UnknownHostException | RuntimeException e) {
                    result.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(new DialException(DialFailure.OTHER, "name resolver overloaded", e));
        }
        return result;
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
