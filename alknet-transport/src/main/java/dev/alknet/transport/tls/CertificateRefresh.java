package dev.alknet.transport.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a {@link LiveCertificate} up to date from files: the operator's {@code --tls-cert/--tls-key} (read again
 * when either file changes on disk, or on {@link #reload}, e.g. SIGHUP), or the self-signed pair in the home
 * (signed again in place, same key, before it expires). A file that does not load keeps the certificate in use.
 */
public final class CertificateRefresh implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CertificateRefresh.class);

    private final LiveCertificate live;
    private final Path certFile;
    private final Path keyFile;
    private final Path selfSignedDir;
    private final String name;
    private ScheduledExecutorService timer;
    private String seen;

    private CertificateRefresh(LiveCertificate live, Path certFile, Path keyFile, Path selfSignedDir, String name) {
        this.live = live;
        this.certFile = certFile;
        this.keyFile = keyFile;
        this.selfSignedDir = selfSignedDir;
        this.name = name;
        this.seen = stamp();
    }

    /** {@code live} was loaded from {@code certFile}/{@code keyFile}. */
    public static CertificateRefresh pem(LiveCertificate live, Path certFile, Path keyFile) {
        return new CertificateRefresh(live, certFile, keyFile, null, null);
    }

    /** {@code live} is the self-signed pair in {@code dir} for {@code name}. */
    public static CertificateRefresh selfSigned(LiveCertificate live, Path dir, String name) {
        return new CertificateRefresh(live, null, null, dir, name);
    }

    /** Whether this watches operator files (not the self-signed pair). */
    public boolean watchesFiles() {
        return certFile != null;
    }

    /** Checks every {@code period} (a daemon thread) until closed. */
    public synchronized CertificateRefresh start(Duration period) {
        if (timer == null) {
            timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "alknet-cert-refresh");
                t.setDaemon(true);
                return t;
            });
            timer.scheduleWithFixedDelay(this::check, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
        }
        return this;
    }

    /** Reloads if the files changed (PEM) or the self-signed certificate is due. */
    public synchronized void check() {
        if (certFile != null) {
            String now = stamp();
            if (!now.equals(seen)) {
                reload("files changed");
            }
            return;
        }
        reload("due");
    }

    /** Reads the certificate again now ({@code why}: for the log line); true if a new one is in use. */
    public synchronized boolean reload(String why) {
        seen = stamp();
        TlsKeyMaterial next;
        try {
            next = certFile != null ? TlsCertificates.loadPem(certFile, keyFile)
                    : TlsCertificates.renewSelfSigned(selfSignedDir, name, Instant.now());
        } catch (IOException | RuntimeException e) {
            LOG.warn("TLS certificate not reloaded, the one in use stays: {}", e.getMessage());
            return false;
        }
        if (sameCertificate(next, live.current())) {
            return false;
        }
        if (!TlsCertificates.keyMatches(next)) {
            // e.g. the certificate written, its key not yet: the next change of either file is read again
            LOG.warn("TLS certificate not reloaded, the one in use stays: {} does not match the key in {}", certFile,
                    keyFile);
            return false;
        }
        live.replace(next);
        LOG.info("TLS certificate {} ({}): {}", certFile != null ? "reloaded from " + certFile : "self-signed, renewed",
                why, describe(next));
        return true;
    }

    /** One line about {@code km}: subject, expiry, pin. */
    public static String describe(TlsKeyMaterial km) {
        return km.certificate().getSubjectX500Principal().getName() + ", valid until "
                + km.certificate().getNotAfter().toInstant() + ", pin " + km.pin();
    }

    static boolean sameCertificate(TlsKeyMaterial a, TlsKeyMaterial b) {
        return a.certificate().equals(b.certificate()) && a.key().equals(b.key());
    }

    private String stamp() {
        if (certFile == null) {
            return "";
        }
        return stamp(certFile) + "|" + stamp(keyFile);
    }

    private static String stamp(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis() + ":" + Files.size(p);
        } catch (IOException e) {
            return "missing";
        }
    }

    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }
}
