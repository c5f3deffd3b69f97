package dev.alknet.server.udp;

import dev.alknet.server.dial.HostResolver;
import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Resolves destination names of one association on the {@link HostResolver} (never on an event loop or the SSH
 * session's thread) and remembers the answers for a while, so a burst of datagrams to one name costs one lookup.
 * Concurrent datagrams to a name share its pending lookup. Thread-safe.
 */
final class NameCache {

    private static final int CAPACITY = 64;
    private static final long TTL_NANOS = TimeUnit.SECONDS.toNanos(60);
    private static final long LOOKUP_TIMEOUT_SECONDS = 10;

    private record Entry(CompletableFuture<InetAddress> address, long expires) {
    }

    private final HostResolver resolver;
    private final Map<String, Entry> entries = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
            return size() > CAPACITY;
        }
    };

    NameCache(HostResolver resolver) {
        this.resolver = resolver;
    }

    /** The first address of {@code name} in resolver order; fails like the resolver does. */
    CompletableFuture<InetAddress> resolve(String name) {
        long now = System.nanoTime();
        synchronized (entries) {
            Entry e = entries.get(name);
            if (e != null && now - e.expires() < 0 && !e.address().isCompletedExceptionally()) {
                return e.address();
            }
            CompletableFuture<InetAddress> f = lookup(name);
            entries.put(name, new Entry(f, now + TTL_NANOS));
            return f;
        }
    }

    private CompletableFuture<InetAddress> lookup(String name) {
        CompletableFuture<List<InetAddress>> all;
        try {
            all = resolver.resolve(name);
        } catch (RuntimeException e) {
            all = CompletableFuture.failedFuture(e);
        }
        return all.orTimeout(LOOKUP_TIMEOUT_SECONDS, TimeUnit.SECONDS).thenApply(list -> {
            if (list.isEmpty()) {
                throw new IllegalStateException("no address for " + name);
            }
            return list.get(0);
        });
    }
}
