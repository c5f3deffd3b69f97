package dev.alknet.server.acme;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What {@code serve --tls-acme} asks of an RFC 8555 CA.
 *
 * @param domains    the names on the certificate (the first is its subject)
 * @param email      account contact, or null
 * @param directory  the CA's directory URL, or an acme4j {@code acme://} name (default Let's Encrypt)
 * @param dir        where the account key and the certificate are kept (the home's {@code acme/})
 * @param keepKey    renew with the same certificate key, so that clients' pins stay valid
 * @param trustPem   CA certificates to trust for the directory's HTTPS instead of the system's (a private CA), or null
 * @param challenge  how the CA checks the names: {@link Challenge#TLS_ALPN_01} on the tls listener or
 *                   {@link Challenge#HTTP_01} through the stealth web front on a tcp listener
 * @param retry      first wait after a failed order, doubled up to an hour (null: a minute)
 */
public record AcmeSettings(List<String> domains, String email, URI directory, Path dir, boolean keepKey,
        Path trustPem, Challenge challenge, Duration retry) {

    /** acme4j's name for Let's Encrypt's production directory. */
    public static final URI LETS_ENCRYPT = URI.create("acme://letsencrypt.org");

    public enum Challenge {
        TLS_ALPN_01("tls-alpn-01"), HTTP_01("http-01");

        public final String label;

        Challenge(String label) {
            this.label = label;
        }

        public static Challenge parse(String s) {
            for (Challenge c : values()) {
                if (c.label.equals(s.toLowerCase(Locale.ROOT))) {
                    return c;
                }
            }
            throw new IllegalArgumentException("--acme-challenge " + s + ": expected tls-alpn-01 or http-01");
        }
    }

    public AcmeSettings {
        domains = List.copyOf(domains);
        if (domains.isEmpty()) {
            throw new IllegalArgumentException("--tls-acme needs at least one domain");
        }
        for (String d : domains) {
            // an IP address (last label all digits) is no DNS name either: CAs certify names
            if (!d.matches("(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+")
                    || d.substring(d.lastIndexOf('.') + 1).chars().allMatch(Character::isDigit)) {
                throw new IllegalArgumentException("--tls-acme " + d + ": not a DNS name (wildcards need dns-01, "
                        + "which alknet does not do)");
            }
        }
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(challenge, "challenge");
        if (email != null && !email.matches("[^@\\s,]+@[^@\\s,]+")) {
            throw new IllegalArgumentException("--acme-email " + email + ": not an e-mail address");
        }
        if (retry == null) {
            retry = Duration.ofMinutes(1);
        }
    }
}
