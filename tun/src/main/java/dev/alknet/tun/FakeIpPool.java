package dev.alknet.tun;

import java.security.SecureRandom;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.LongSupplier;

/**
 * Names handed out as fake IPs by the DNS responder. A name gets one index, which is both its IPv4 address
 * (198.18.1.0 + index) and its IPv6 address (fd18:a1c:0:1::index).
 *
 * <p>Fake IPs are what applications cache, so a name must keep its index while anyone may still use it: a reused
 * index would send a victim's cached address to whatever name took it. Hence:
 *
 * <ul>
 *   <li>indexes are picked at random among the free ones, so nobody can aim a flood of names at one address;</li>
 *   <li>every use (a DNS answer, a connection or datagram to the fake IP, and each second a live flow exists, see
 *       {@link #touch}) refreshes the name; when the pool is full the least recently used name is forgotten, but
 *       only once it has been idle for {@link #MIN_IDLE}. Until then new names get no address (SERVFAIL): a flood
 *       can deny new names for a while, never remap one in use.</li>
 * </ul>
 *
 * <p>The table is bounded by the pool size (130 815 names by default). Thread-safe: the TUN reader allocates and
 * looks up, the sweeper touches.
 */
final class FakeIpPool {

    /** How long a name must be unused before its index may go to another name. */
    static final long MIN_IDLE = TimeUnit.MINUTES.toNanos(10);
    /** Hidden, for tests: a smaller pool ({@code -Dalknet.tun.fakeIps=N}). */
    static final String SIZE_PROPERTY = "alknet.tun.fakeIps";

    private final int size;
    private final long minIdle;
    private final LongSupplier clock;
    private final SecureRandom random = new SecureRandom();
    /** Index to name, read without the lock. */
    private final AtomicReferenceArray<String> names;
    /** Name to index, least recently used first. Guarded by this. */
    private final LinkedHashMap<String, Integer> byName = new LinkedHashMap<>(64, 0.75f, true);
    /** Guarded by this. */
    private final long[] lastUsed;

    FakeIpPool() {
        this(Integer.getInteger(SIZE_PROPERTY, Net.FAKE_SIZE), MIN_IDLE, System::nanoTime);
    }

    FakeIpPool(int size, long minIdleNanos, LongSupplier clock) {
        if (size < 1 || size > Net.FAKE_SIZE) {
            throw new IllegalArgumentException("size " + size);
        }
        this.size = size;
        this.minIdle = minIdleNanos;
        this.clock = clock;
        this.names = new AtomicReferenceArray<>(size);
        this.lastUsed = new long[size];
    }

    /**
     * The index of {@code name} (lower-cased, without a trailing dot), allocating one if needed; -1 when the pool is
     * full of names used within {@link #MIN_IDLE}.
     */
    synchronized int indexFor(String name) {
        String key = name.toLowerCase(Locale.ROOT);
        long now = clock.getAsLong();
        Integer known = byName.get(key); // also moves it to the most recently used end
        if (known != null) {
            lastUsed[known] = now;
            return known;
        }
        int i;
        if (byName.size() < size) {
            i = randomFree();
        } else {
            Iterator<Map.Entry<String, Integer>> eldest = byName.entrySet().iterator();
            Map.Entry<String, Integer> e = eldest.next();
            if (now - lastUsed[e.getValue()] < minIdle) {
                return -1;
            }
            i = e.getValue();
            eldest.remove();
        }
        names.set(i, key);
        byName.put(key, i);
        lastUsed[i] = now;
        return i;
    }

    /** A free index, uniformly at random. Needs at least one free index. */
    private int randomFree() {
        for (int attempt = 0; attempt < 32; attempt++) {
            int i = random.nextInt(size);
            if (names.get(i) == null) {
                return i;
            }
        }
        int start = random.nextInt(size); // nearly full: walk from a random point
        for (int k = 0; k < size; k++) {
            int i = (start + k) % size;
            if (names.get(i) == null) {
                return i;
            }
        }
        throw new IllegalStateException("no free index");
    }

    /** Marks the name behind {@code index} as in use now (nothing when the index is free). */
    synchronized void touch(int index) {
        if (index < 0 || index >= size) {
            return;
        }
        String n = names.get(index);
        if (n != null) {
            byName.get(n);
            lastUsed[index] = clock.getAsLong();
        }
    }

    /** {@link #touch} for a fake IPv4 or IPv6 address; other addresses are ignored. */
    void touch(byte[] address) {
        if (address.length == 4) {
            int ip = ((address[0] & 0xff) << 24) | ((address[1] & 0xff) << 16) | ((address[2] & 0xff) << 8)
                    | (address[3] & 0xff);
            if (Net.isFake4(ip)) {
                touch(ip - Net.FAKE4_FIRST);
            }
        } else if (address.length == 16 && Net.isFake6(address)) {
            touch(Net.index6(address));
        }
    }

    /** The name behind a pool index, or null when never handed out (e.g. a fake IP cached from an earlier run). */
    String name(int index) {
        return index >= 0 && index < size ? names.get(index) : null;
    }

    /** The name behind a fake IP, which counts as a use of it. */
    String nameOf4(int ip) {
        if (!Net.isFake4(ip)) {
            return null;
        }
        touch(ip - Net.FAKE4_FIRST);
        return name(ip - Net.FAKE4_FIRST);
    }

    String nameOf6(byte[] ip) {
        if (!Net.isFake6(ip)) {
            return null;
        }
        touch(Net.index6(ip));
        return name(Net.index6(ip));
    }
}
