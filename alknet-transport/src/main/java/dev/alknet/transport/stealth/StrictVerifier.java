package dev.alknet.transport.stealth;

import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Server side of {@link StrictProof}: a token is accepted once, if its tag is right (for the stream's
 * {@link SessionBinding}, or where allowed for none), its time stamp is within {@link #WINDOW} of the server's
 * clock (both directions: the tolerated clock skew), and its nonce was not seen within that window. The replay cache holds at most {@link #MAX_NONCES} nonces; when it is
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

    /** How {@link #accept} judged a token. */
    public enum Verdict {
        /** Not a valid, fresh, first-time token for this stream. */
        REFUSED,
        /** Valid, and bound to this stream's TLS session (docs/adr/0014). */
        BOUND,
        /** Valid with the empty binding: from a client that cannot export (Java before 25), or on tcp. */
        UNBOUND;

        public boolean accepted() {
            return this != REFUSED;
        }
    }

    /**
     * Judges {@code token} (the text after {@code GET /}) for a stream of this scheme whose own binding is
     * {@code binding} ({@link SessionBinding#of}): a tag over that binding is {@link Verdict#BOUND}; failing
     * that, if {@code unboundAllowed}, a tag over the empty binding is {@link Verdict#UNBOUND}. At most two
     * HMACs per token. Accepting uses the token's nonce up, whichever binding matched: a token is accepted once.
     * Taking unbound tokens does not weaken bound ones: a token bound to another session fails both tags, and
     * only the key makes a new one.
     */
    public Verdict accept(String token, String scheme, byte[] binding, boolean unboundAllowed) {
        StrictProof.Parsed p = StrictProof.parse(token);
        if (p == null) {
            return Verdict.REFUSED;
        }
        long now = clock.millis() / 1000;
        if (Math.abs(now - p.epochSeconds()) > WINDOW.toSeconds()) {
            return Verdict.REFUSED;
        }
        Verdict verdict;
        if (binding.length > 0 && StrictProof.tagMatches(key, scheme, binding, p)) {
            verdict = Verdict.BOUND;
        } else if (unboundAllowed && StrictProof.tagMatches(key, scheme, SessionBinding.NONE, p)) {
            verdict = Verdict.UNBOUND;
        } else {
            return Verdict.REFUSED;
        }
        String nonce = Base64.getEncoder().encodeToString(p.nonce());
        // Kept until no token with this time stamp can be accepted any more.
        long expires = p.epochSeconds() + WINDOW.toSeconds() + 1;
        if (inserts.incrementAndGet() % PURGE_EVERY == 0 || seen.size() >= MAX_NONCES) {
            purge(now);
            if (seen.size() >= MAX_NONCES) {
                return Verdict.REFUSED; // 1000 proofs a second for two minutes: refuse rather than grow
            }
        }
        return seen.putIfAbsent(nonce, expires) == null ? verdict : Verdict.REFUSED;
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
