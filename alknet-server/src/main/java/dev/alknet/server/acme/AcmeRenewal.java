package dev.alknet.server.acme;

import dev.alknet.transport.tls.CertificateRefresh;
import dev.alknet.transport.tls.LiveCertificate;
import dev.alknet.transport.tls.TlsCertificates;
import dev.alknet.transport.tls.TlsKeyMaterial;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps an ACME certificate in a {@link LiveCertificate}: the stored one at start if it is still good, an order at
 * once otherwise (the listeners meanwhile present the self-signed one), then a renewal at 2/3 of each
 * certificate's lifetime; a failed order is tried again after {@link AcmeSettings#retry()}, doubled each time up
 * to an hour. Each new certificate applies to new handshakes only: open sessions stay up.
 */
public final class AcmeRenewal implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AcmeRenewal.class);
    private static final Duration MAX_BACKOFF = Duration.ofHours(1);

    private final AcmeSettings settings;
    private final AcmeStore store;
    private final LiveCertificate live;
    private final AcmeIssuer issuer;
    private final ScheduledExecutorService timer;
    private final AtomicLong failures = new AtomicLong();
    private int failuresInRow;
    private volatile Instant next;

    public AcmeRenewal(AcmeSettings settings, LiveCertificate live) {
        this.settings = settings;
        this.store = new AcmeStore(settings.dir());
        this.live = live;
        this.issuer = new AcmeIssuer(settings, store, live);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "alknet-acme");
            t.setDaemon(true);
            return t;
        });
    }

    /** The stored certificate for the domains if it has not expired, else null; call before {@link #start}. */
    public static TlsKeyMaterial stored(AcmeSettings settings) {
        TlsKeyMaterial km = new AcmeStore(settings.dir()).stored(settings.domains());
        return km != null && km.certificate().getNotAfter().toInstant().isAfter(Instant.now()) ? km : null;
    }

    /** Schedules the first order: now, or at the stored certificate's renewal time if {@code live} holds it. */
    public void start() {
        TlsKeyMaterial km = new AcmeStore(settings.dir()).stored(settings.domains());
        schedule(km != null && km.certificate().equals(live.current().certificate()) ? renewalTime(km) : Instant.now());
    }

    /** When the next order runs. */
    public Instant nextRenewal() {
        return next;
    }

    /** Orders that failed since start. */
    public long failures() {
        return failures.get();
    }

    private Instant renewalTime(TlsKeyMaterial km) {
        Instant from = km.certificate().getNotBefore().toInstant();
        return TlsCertificates.renewalTime(from, km.certificate().getNotAfter().toInstant());
    }

    private synchronized void schedule(Instant at) {
        next = at;
        long delay = Math.max(0, Duration.between(Instant.now(), at).toMillis());
        if (!timer.isShutdown()) {
            timer.schedule(this::order, delay, TimeUnit.MILLISECONDS);
        }
    }

    private void order() {
        try {
            KeyPair key = settings.keepKey() ? store.certificateKey() : null;
            TlsKeyMaterial km = issuer.issue(key != null ? key : AcmeStore.newKey());
            live.replace(km);
            failuresInRow = 0;
            Instant at = renewalTime(km);
            LOG.info("ACME: certificate for {} issued: {}; renewal at {}", String.join(",", settings.domains()),
                    CertificateRefresh.describe(km), at);
            schedule(at);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            failures.incrementAndGet();
            failuresInRow++;
            Duration wait = settings.retry().multipliedBy(1L << Math.min(20, failuresInRow - 1));
            if (wait.compareTo(MAX_BACKOFF) > 0) {
                wait = MAX_BACKOFF;
            }
            LOG.warn("ACME: order for {} failed ({}); the certificate in use expires {}; trying again in {} s",
                    String.join(",", settings.domains()), why(e), live.notAfter(), wait.toSeconds());
            LOG.debug("ACME order failure", e);
            schedule(Instant.now().plus(wait));
        }
    }

    private static String why(Throwable e) {
        StringBuilder sb = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            sb.append(": ").append(c.getMessage());
        }
        return sb.toString();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
