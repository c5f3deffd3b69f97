package dev.alknet.cli;

import dev.alknet.server.acme.AcmeSettings;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code serve --tls-acme}: certificates from an ACME CA (docs/operator-guide.md, "Certificates"). */
final class AcmeOptions {

    @Option(names = "--tls-acme", paramLabel = "DOMAIN", split = ",",
            description = "Get the TLS certificate for these names from an ACME CA (Let's Encrypt by default) and"
                    + " renew it; repeatable or a comma list.")
    List<String> domains;

    @Option(names = "--acme-email", paramLabel = "ADDRESS", description = "ACME account contact (expiry notices).")
    String email;

    @Option(names = "--acme-directory", paramLabel = "URL",
            description = "The ACME CA's directory URL (default: Let's Encrypt).")
    URI directory;

    @Option(names = "--acme-keep-key",
            description = "Keep the certificate key across renewals, so that clients' --tls-pin stays valid.")
    boolean keepKey;

    @Option(names = "--acme-ca-cert", paramLabel = "PEM",
            description = "Trust these CA certificates for the ACME directory's HTTPS instead of the system's"
                    + " (a private ACME CA).")
    Path caCert;

    @Option(names = "--acme-challenge", paramLabel = "TYPE",
            description = "tls-alpn-01 (on the tls listener, which the CA reaches on port 443) or http-01 (through"
                    + " the --stealth web front of a tcp listener, reached on port 80); default: tls-alpn-01 if"
                    + " there is a tls listener, else http-01.")
    String challenge;

    boolean enabled() {
        return domains != null && !domains.isEmpty();
    }

    /** Refuses ACME flags without --tls-acme, and challenge types this server cannot answer. */
    AcmeSettings settings(Path dir, boolean tlsListener, boolean stealthTcpListener) {
        if (!enabled()) {
            if (email != null || directory != null || keepKey || caCert != null || challenge != null) {
                throw new IllegalArgumentException("--acme-email, --acme-directory, --acme-keep-key, --acme-ca-cert"
                        + " and --acme-challenge need --tls-acme");
            }
            return null;
        }
        AcmeSettings.Challenge type = challenge != null ? AcmeSettings.Challenge.parse(challenge)
                : tlsListener ? AcmeSettings.Challenge.TLS_ALPN_01 : AcmeSettings.Challenge.HTTP_01;
        if (type == AcmeSettings.Challenge.TLS_ALPN_01 && !tlsListener) {
            throw new IllegalArgumentException("--acme-challenge tls-alpn-01 needs a tls:// listener");
        }
        if (type == AcmeSettings.Challenge.HTTP_01 && !stealthTcpListener) {
            throw new IllegalArgumentException("--acme-challenge http-01 needs --stealth (its own site, not"
                    + " --stealth-fallback) and a tcp:// listener (port 80), whose web front answers the CA");
        }
        if (caCert != null && !java.nio.file.Files.isReadable(caCert)) {
            throw new IllegalArgumentException("--acme-ca-cert " + caCert + ": cannot read it");
        }
        return new AcmeSettings(domains.stream().map(String::trim).map(d -> d.toLowerCase(java.util.Locale.ROOT))
                .toList(), email, directory != null ? directory : AcmeSettings.LETS_ENCRYPT, dir, keepKey, caCert,
                type, null);
    }
}
