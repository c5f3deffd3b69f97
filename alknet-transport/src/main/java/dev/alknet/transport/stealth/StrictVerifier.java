package dev.alknet.transport.stealth;

import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Server side of {@link StrictProof}: a token is accepted once, if its tag is right, its time stamp is
 * within {@link #WINDOW} of the server's clock (both directions: the tolerated clock skew), and its nonce
 * was not seen within that window. The replay cache holds at most {@link #MAX_NONCES} nonces; when it is
 * full of unexpired ones, new proofs are refused (fail closed) until some expire.
 */
public final class StrictVerifier {

    public static final Duration WINDOW = Duration.ofSeconds(120);
    static final int MAX_NONCES = 1 << 17;
    private static final int PURGE_EVERY = 1024;

    private final StealthKey key;
    private final Clock clock;
    private final Map<String, Long> seen = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicInteger inserts = new java.util.concurrent.atomic.AtomicInteger();

    public StrictVerifier(StealthKey key) {
        this(key, Clock.systemUTC());
    }

    StrictVerifier(StealthKey key, Clock clock) {
        this.key = key;
        this.clock = clock;
    }

    /**
     * Whether {@code token} (the text after {@code GET /}) proves knowledge of the key for a stream of this
     * scheme and binding; a true answer uses the token up.
     */
    public boolean accept(String token, String scheme, byte[] binding) {
        StrictProof.Parsed p = StrictProof.parse(token);
        if (p == null) {
            return false;
        }
        long now = clock.millis() / 1000;
        if (Math.abs(now - p.epochSeconds()) > WINDOW.toSeconds()) {
            return false;
        }
        if (!StrictProof.tagMatches(key, scheme, binding, p)) {
            return false;
        }
        String nonce = Base64.getEncoder().encodeToString(p.nonce());
        // Kept until no token with this time stamp can be accepted any more.
        long expires = p.epochSeconds() + WINDOW.toSeconds() + 1;
        if (inserts.incrementAndGet() % PURGE_EVERY == 0 || seen.size() >= MAX_NONCES) {
            purge(now);
            if (seen.size() >= MAX_NONCES) {
                return false; // 1000 proofs a second for two minutes: refuse rather than grow
            }
        }
        return seen.putIfAbsent(nonce, expires) == null;
    }

    private void purge(long now) {
        for (Iterator<Long> it = seen.values().iterator(); it.hasNext(); ) {
            if (it.next() < now) {
                it.remove();
            }
        }
    }

    /** Nonces held (for tests). */
    int held() {
        purge(clock.millis() / 1000);
        return seen.size();
    }
}
