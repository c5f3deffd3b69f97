package dev.alknet.tun;

import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Names handed out as fake IPs by the DNS responder. A name gets one index, which is both its IPv4 address
 * (198.18.1.0 + index) and its IPv6 address (fd18:a1c:0:1::index). Indexes are handed out in order and reused
 * oldest-first once the pool wraps (130 815 names), so a mapping lives long after its DNS TTL.
 *
 * <p>One thread allocates (the TUN reader); any thread may look up.
 */
final class FakeIpPool {

    private final int size;
    private final AtomicReferenceArray<String> names;
    private final ConcurrentHashMap<String, Integer> byName = new ConcurrentHashMap<>();
    private int next;

    FakeIpPool() {
        this(Net.FAKE_SIZE);
    }

    FakeIpPool(int size) {
        if (size < 1 || size > Net.FAKE_SIZE) {
            throw new IllegalArgumentException("size " + size);
        }
        this.size = size;
        this.names = new AtomicReferenceArray<>(size);
    }

    /** The index of {@code name} (lower-cased, without a trailing dot), allocating one if needed. */
    synchronized int indexFor(String name) {
        String key = name.toLowerCase(Locale.ROOT);
        Integer known = byName.get(key);
        if (known != null) {
            return known;
        }
        int i = next;
        next = (next + 1) % size;
        String old = names.getAndSet(i, key);
        if (old != null) {
            byName.remove(old, i);
        }
        byName.put(key, i);
        return i;
    }

    /** The name behind a pool index, or null when never handed out (e.g. a fake IP cached from an earlier run). */
    String name(int index) {
        return index >= 0 && index < size ? names.get(index) : null;
    }

    String nameOf4(int ip) {
        return Net.isFake4(ip) ? name(ip - Net.FAKE4_FIRST) : null;
    }

    String nameOf6(byte[] ip) {
        return Net.isFake6(ip) ? name(Net.index6(ip)) : null;
    }
}
