package dev.alknet.cli.metrics;

import dev.alknet.server.acme.AcmeRenewal;
import dev.alknet.transport.tls.LiveCertificate;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** The server certificate's expiry (and ACME's failed orders), read at each scrape: alert before it lapses. */
public final class CertificateMetrics {

    private CertificateMetrics() {
    }

    /** {@code acme} may be null (no --tls-acme). */
    public static void register(PrometheusRegistry registry, LiveCertificate live, AcmeRenewal acme) {
        GaugeWithCallback.builder().name("alknet_tls_certificate_expiry_timestamp_seconds")
                .help("Server: when the TLS certificate new handshakes get expires (Unix time)")
                .callback(c -> c.call(live.notAfter().getEpochSecond())).register(registry);
        if (acme != null) {
            CounterWithCallback.builder().name("alknet_acme_order_failures_total")
                    .help("Server: ACME orders (issuance or renewal) that failed; each is retried with backoff")
                    .callback(c -> c.call(acme.failures())).register(registry);
        }
    }
}
