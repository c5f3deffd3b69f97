package dev.alknet.transport.tls;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The certificate a server's tls listeners present now, shared by all of them and replaceable while they run:
 * each new handshake takes the current one ({@link ClientHelloRouter}), open sessions keep theirs. Also holds the
 * TLS-ALPN-01 challenge certificates (RFC 8737) an ACME order has published, by host name.
 */
public final class LiveCertificate {

    private volatile TlsKeyMaterial current;
    private final Map<String, TlsKeyMaterial> challenges = new ConcurrentHashMap<>();
    private final List<Consumer<TlsKeyMaterial>> listeners = new CopyOnWriteArrayList<>();

    public LiveCertificate(TlsKeyMaterial initial) {
        this.current = Objects.requireNonNull(initial, "initial");
    }

    public TlsKeyMaterial current() {
        return current;
    }

    /** Makes {@code next} the certificate of new handshakes; sessions already up are not touched. */
    public void replace(TlsKeyMaterial next) {
        Objects.requireNonNull(next, "next");
        if (next.equals(current)) {
            return;
        }
        current = next;
        for (Consumer<TlsKeyMaterial> l : listeners) {
            l.accept(next);
        }
    }

    /** Called with each new certificate (on the replacing thread). */
    public void onReplace(Consumer<TlsKeyMaterial> listener) {
        listeners.add(listener);
    }

    /** When the current certificate stops being valid. */
    public Instant notAfter() {
        return current.certificate().getNotAfter().toInstant();
    }

    /** Answers TLS-ALPN-01 validation for {@code host} with {@code challenge} until {@link #withdrawChallenge}. */
    public void publishChallenge(String host, TlsKeyMaterial challenge) {
        challenges.put(host.toLowerCase(Locale.ROOT), challenge);
    }

    public void withdrawChallenge(String host) {
        challenges.remove(host.toLowerCase(Locale.ROOT));
    }

    /** Whether an ACME order has a TLS-ALPN-01 challenge published now (its validation offers acme-tls/1). */
    boolean challengePending() {
        return !challenges.isEmpty();
    }

    /** The challenge certificate published for {@code host} (SNI), or null. */
    TlsKeyMaterial challenge(String host) {
        return host == null || challenges.isEmpty() ? null : challenges.get(host.toLowerCase(Locale.ROOT));
    }
}
