package dev.alknet.server.stealth;

import dev.alknet.transport.stealth.SessionBinding;
import dev.alknet.transport.stealth.StealthKey;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * How a stealth server answers peers that are not SSH clients.
 *
 * @param level    {@link Level#OFF}, {@link Level#COMPATIBLE} (ADR 0010) or {@link Level#STRICT} (ADR 0014)
 * @param timeout  how long a peer may take to send its first bytes and its request header before the
 *                 connection is closed without an answer: nginx's {@code client_header_timeout} (60 s)
 * @param site     directory served as static files, or null for an empty site (nginx's error pages only)
 * @param fallback {@code http://host[:port]} every non-SSH connection is piped to instead, or null
 * @param key      strict only (required there): the secret a peer must prove knowledge of to get SSH
 * @param binding  strict only: whether a tls proof must be bound to its TLS session ({@link Binding})
 * @param wsPath   {@code --ws-path}: a WebSocket Upgrade for this path on a tls or tcp listener is a ws/wss client
 *                 (SSH, or the strict proof, inside the frames); every other request stays the web site. Null: none
 */
public record StealthOptions(Level level, Duration timeout, Path site, URI fallback, StealthKey key,
        Binding binding, String wsPath) {

    /** nginx's default {@code client_header_timeout}. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    public static final StealthOptions OFF = new StealthOptions(Level.OFF, DEFAULT_TIMEOUT, null, null, null,
            Binding.ANY, null);

    public enum Level {
        OFF, COMPATIBLE, STRICT;

        /** {@code compatible} (also the value of a bare {@code --stealth}), {@code strict} or {@code off}. */
        public static Level parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--stealth: '" + s + "' (expected compatible or strict)");
            }
        }
    }

    /**
     * What a strict tls listener asks of a proof's binding to the TLS session (docs/adr/0014). quic and tcp
     * proofs are never bound (no exporter there), so this concerns tls only.
     */
    public enum Binding {
        /** Bound proofs, and unbound ones from clients that cannot bind (Java before 25). */
        ANY,
        /** Bound proofs only: unbound ones get the web front. Needs Java 25 or newer on the server. */
        REQUIRED;

        /** {@code any} or {@code required}. */
        public static Binding parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--stealth-binding: '" + s + "' (expected any or required)");
            }
        }

        /** This policy, if this runtime can apply it: {@link #REQUIRED} needs the TLS exporter (Java 25). */
        public Binding supported() {
            if (this == REQUIRED && !SessionBinding.available()) {
                throw new IllegalArgumentException("--stealth-binding=required needs Java 25 or newer (the TLS"
                        + " exporter); this is Java " + Runtime.version().feature());
            }
            return this;
        }
    }

    public StealthOptions {
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(binding, "binding");
        if (timeout.isNegative() || timeout.isZero() || timeout.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("--stealth-timeout must be positive: " + timeout);
        }
        if ((level == Level.STRICT) != (key != null)) {
            throw new IllegalArgumentException(key == null ? "--stealth=strict needs a stealth key"
                    : "a stealth key is for --stealth=strict only");
        }
        if (binding == Binding.REQUIRED && level != Level.STRICT) {
            throw new IllegalArgumentException("--stealth-binding is for --stealth=strict only");
        }
        binding.supported();
        if (wsPath != null) {
            try {
                dev.alknet.transport.ws.WsOptions.checkPath(wsPath);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--ws-path: " + e.getMessage());
            }
            if (level == Level.OFF) {
                throw new IllegalArgumentException("--ws-path needs --stealth (the web front routes it)");
            }
        }
        if (site != null && fallback != null) {
            throw new IllegalArgumentException("--stealth-site and --stealth-fallback exclude each other");
        }
        if (site != null && !Files.isDirectory(site)) {
            throw new IllegalArgumentException("--stealth-site: not a directory: " + site);
        }
        if (fallback != null) {
            if (!"http".equalsIgnoreCase(fallback.getScheme()) || fallback.getHost() == null) {
                throw new IllegalArgumentException("--stealth-fallback: '" + fallback
                        + "' (expected http://host[:port], the plain-HTTP site behind)");
            }
        }
    }

    public StealthOptions(Level level, Duration timeout, Path site, URI fallback, StealthKey key, Binding binding) {
        this(level, timeout, site, fallback, key, binding, null);
    }

    /** These options with WebSocket clients on {@code path} (null: none). */
    public StealthOptions withWsPath(String path) {
        return new StealthOptions(level, timeout, site, fallback, key, binding, path);
    }

    /** Compatible or off (no key). */
    public StealthOptions(Level level, Duration timeout, Path site, URI fallback) {
        this(level, timeout, site, fallback, null, Binding.ANY);
    }

    public static StealthOptions compatible(Duration timeout, Path site, URI fallback) {
        return new StealthOptions(Level.COMPATIBLE, timeout, site, fallback);
    }

    public static StealthOptions strict(Duration timeout, Path site, URI fallback, StealthKey key) {
        return strict(timeout, site, fallback, key, Binding.ANY);
    }

    public static StealthOptions strict(Duration timeout, Path site, URI fallback, StealthKey key, Binding binding) {
        return new StealthOptions(Level.STRICT, timeout, site, fallback, key, binding);
    }

    public boolean enabled() {
        return level != Level.OFF;
    }

    /** The fallback's port, 80 if the URL names none. */
    int fallbackPort() {
        return fallback.getPort() < 0 ? 80 : fallback.getPort();
    }
}
