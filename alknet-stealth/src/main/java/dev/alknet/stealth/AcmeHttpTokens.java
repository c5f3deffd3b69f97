package dev.alknet.stealth;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The ACME HTTP-01 answers (RFC 8555 §8.3) the process's web front serves at
 * {@code /.well-known/acme-challenge/TOKEN} while an order waits for validation. One per process, as the web
 * front is: the ACME client publishes, {@link NginxFront} answers.
 */
public final class AcmeHttpTokens {

    public static final String PREFIX = "/.well-known/acme-challenge/";

    private static final Map<String, String> ANSWERS = new ConcurrentHashMap<>();

    private AcmeHttpTokens() {
    }

    public static void publish(String token, String keyAuthorization) {
        ANSWERS.put(token, keyAuthorization);
    }

    public static void withdraw(String token) {
        ANSWERS.remove(token);
    }

    /** The answer for a request of {@code path}, or null. */
    static String answer(String path) {
        if (ANSWERS.isEmpty() || path == null || !path.startsWith(PREFIX)) {
            return null;
        }
        return ANSWERS.get(path.substring(PREFIX.length()));
    }
}
