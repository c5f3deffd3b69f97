package dev.alknet.cli;

import dev.alknet.core.config.AlknetHome;
import dev.alknet.server.acme.AcmeRenewal;
import dev.alknet.server.acme.AcmeSettings;
import dev.alknet.transport.tls.CertificateRefresh;
import dev.alknet.transport.tls.LiveCertificate;
import dev.alknet.transport.tls.TlsCertificates;
import dev.alknet.transport.tls.TlsKeyMaterial;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * The certificate of {@code serve}'s tls/quic listeners and what keeps it current: {@code --tls-cert} files (read
 * again when they change or on SIGHUP), ACME ({@code --tls-acme}: ordered and renewed), or the self-signed pair in
 * the home (90 days, signed again in place, same key). New handshakes get the new certificate, sessions stay up.
 */
final class ServerCertificates implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ServerCertificates.class);
    /** How often --tls-cert files are checked for a change. */
    static final Duration FILE_CHECK = Duration.ofSeconds(5);
    private static final Duration SELF_SIGNED_CHECK = Duration.ofHours(6);

    private final LiveCertificate live;
    private final CertificateRefresh refresh;
    private final AcmeRenewal acme;

    private ServerCertificates(LiveCertificate live, CertificateRefresh refresh, AcmeRenewal acme) {
        this.live = live;
        this.refresh = refresh;
        this.acme = acme;
    }

    /** Loads (or makes) the certificate; nothing runs until {@link #start}. */
    static ServerCertificates load(TransportOptions t, AcmeSettings acme, AlknetHome home) throws IOException {
        if ((t.tlsCert == null) != (t.tlsKey == null)) {
            throw new IllegalArgumentException("--tls-cert and --tls-key go together");
        }
        if (t.tlsCert != null && acme != null) {
            throw new IllegalArgumentException("--tls-cert and --tls-acme exclude each other");
        }
        if (t.tlsCert != null) {
            LiveCertificate live = new LiveCertificate(TlsCertificates.loadPem(t.tlsCert, t.tlsKey));
            return new ServerCertificates(live, CertificateRefresh.pem(live, t.tlsCert, t.tlsKey), null);
        }
        // The self-signed pair names what the operator configured, never this machine's host name.
        String name = t.tlsServerName != null ? t.tlsServerName : acme != null ? acme.domains().get(0) : null;
        Path dir = home.dir();
        TlsKeyMaterial selfSigned = TlsCertificates.renewSelfSigned(dir, name, Instant.now());
        if (acme == null) {
            LiveCertificate live = new LiveCertificate(selfSigned);
            return new ServerCertificates(live, CertificateRefresh.selfSigned(live, dir, name), null);
        }
        TlsKeyMaterial stored = AcmeRenewal.stored(acme);
        LiveCertificate live = new LiveCertificate(stored != null ? stored : selfSigned);
        return new ServerCertificates(live, null, new AcmeRenewal(acme, live));
    }

    LiveCertificate live() {
        return live;
    }

    AcmeRenewal acme() {
        return acme;
    }

    /** Starts the checks, the ACME orders and the SIGHUP handler; call once the listeners are up. */
    void start() {
        if (refresh != null) {
            refresh.start(acme == null && !isPem() ? SELF_SIGNED_CHECK : FILE_CHECK);
        }
        if (acme != null) {
            acme.start();
        }
        onHangup(this::reload);
    }

    /** SIGHUP runs {@code action} (on its own thread) instead of ending the JVM. */
    static void onHangup(Runnable action) {
        try {
            Signal.handle(new Signal("HUP"), s -> {
                Thread t = new Thread(action, "alknet-sighup");
                t.setDaemon(true);
                t.start();
            });
        } catch (IllegalArgumentException e) {
            LOG.debug("no SIGHUP here: {}", e.getMessage());
        }
    }

    private boolean isPem() {
        return refresh != null && refresh.watchesFiles();
    }

    /** SIGHUP: reads --tls-cert again (or renews a due self-signed one); ACME certificates renew themselves. */
    void reload() {
        if (refresh == null) {
            LOG.info("SIGHUP: the ACME certificate is renewed by alknet (next order at {})", acme.nextRenewal());
            return;
        }
        if (!refresh.reload("SIGHUP")) {
            LOG.info("SIGHUP: TLS certificate unchanged ({})", CertificateRefresh.describe(live.current()));
        }
    }

    @Override
    public void close() {
        if (refresh != null) {
            refresh.close();
        }
        if (acme != null) {
            acme.close();
        }
    }
}
