package dev.alknet.server.dial;

import java.net.InetAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Remembers answers of another {@link HostResolver} for a few seconds, and lets concurrent lookups of one name share
 * the pending one. A name asked again within that time is answered at once, on the caller's thread: no hand-over to
 * the resolver pool and back, no lookup timer (docs/performance.md: both cost a thread wake-up per SOCKS connect).
 *
 * <p>Why a short time: the JDK caches answers itself (30 s by default, {@code networkaddress.cache.ttl}); this
 * cache serves bursts, such as a browser opening a dozen connections to one host, and adds at most its own lifetime
 * to how stale an answer can be. Failures are not kept: the next caller asks again. Thread-safe.
 */
public final class CachingHostResolver implements HostResolver {

    /** How long an answer is served without asking again. */
    public static final Duration DEFAULT_TTL = Duration.ofSeconds(5);

    private static final int DEFAULT_CAPACITY = 1024;

    private static final class Shared {
        static final CachingHostResolver INSTANCE =
                new CachingHostResolver(ExecutorHostResolver.shared(), DEFAULT_TTL, DEFAULT_CAPACITY);
    }

    private record Entry(CompletableFuture<List<InetAddress>> answer, long expires) {
    }

    private final HostResolver resolver;
    private final long ttlNanos;
    private final Map<String, Entry> entries;

    public CachingHostResolver(HostResolver resolver, Duration ttl, int capacity) {
        this.resolver = Objects.requireNonNull(resolver, "resolver");
        if (ttl.isNegative() || capacity < 1) {
            throw new IllegalArgumentException("ttl " + ttl + ", capacity " + capacity + " (expected: >= 0, >= 1)");
        }
        this.ttlNanos = ttl.toNanos();
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The process-wide default: the shared resolver pool behind a 5 s cache of 1,024 names. */
    public static CachingHostResolver shared() {
        return Shared.INSTANCE;
    }

    /**
     * Each caller gets its own copy of the shared answer, so one caller's {@code orTimeout} or {@code cancel} never
     * completes the lookup for the others.
     */
    @Override
    public CompletableFuture<List<InetAddress>> resolve(String host) {
        long now = System.nanoTime();
        CompletableFuture<List<InetAddress>> answer;
        synchronized (entries) {
            Entry e = entries.get(host);
            if (e != null && (!e.answer().isDone() || now - e.expires() < 0)) {
                return e.answer().copy();
            }
            answer = lookup(host);
            if (answer.isCompletedExceptionally()) {
                entries.remove(host);
                return answer;
            }
            // Shared while pending; the lifetime proper starts when the answer arrives (settle).
            entries.put(host, new Entry(answer, now + ttlNanos));
        }
        answer.whenComplete((list, err) -> settle(host, answer, err == null));
        return answer.copy();
    }

    private CompletableFuture<List<InetAddress>> lookup(String host) {
        try {
            return resolver.resolve(host);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Starts an answer's lifetime, or forgets a failure; only if the entry still holds this lookup. */
    private void settle(String host, CompletableFuture<List<InetAddress>> answer, boolean ok) {
        synchronized (entries) {
            Entry e = entries.get(host);
            if (e == null || e.answer() != answer) {
                return;
            }
            if (ok && ttlNanos > 0) {
                entries.put(host, new Entry(answer, System.nanoTime() + ttlNanos));
            } else {
                entries.remove(host);
            }
        }
    }
}
