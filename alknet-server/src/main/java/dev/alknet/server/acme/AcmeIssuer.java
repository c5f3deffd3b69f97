package dev.alknet.server.acme;

import dev.alknet.stealth.AcmeHttpTokens;
import dev.alknet.transport.tls.LiveCertificate;
import dev.alknet.transport.tls.TlsKeyMaterial;
import java.io.IOException;
import java.net.http.HttpClient;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.shredzone.acme4j.Account;
import org.shredzone.acme4j.AccountBuilder;
import org.shredzone.acme4j.Authorization;
import org.shredzone.acme4j.Order;
import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.Status;
import org.shredzone.acme4j.challenge.Challenge;
import org.shredzone.acme4j.challenge.Http01Challenge;
import org.shredzone.acme4j.challenge.TlsAlpn01Challenge;
import org.shredzone.acme4j.connector.HttpConnector;
import org.shredzone.acme4j.connector.NetworkSettings;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.provider.GenericAcmeProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ACME order (RFC 8555) with acme4j: account (key kept in the store), order for the domains, one challenge per
 * authorization answered by this server (TLS-ALPN-01 through {@link LiveCertificate#publishChallenge}, HTTP-01
 * through {@link AcmeHttpTokens}), finalization with the certificate key, download of the chain.
 */
final class AcmeIssuer {

    private static final Logger LOG = LoggerFactory.getLogger(AcmeIssuer.class);
    private static final Duration WAIT = Duration.ofSeconds(90);

    private final AcmeSettings settings;
    private final AcmeStore store;
    private final LiveCertificate live;

    AcmeIssuer(AcmeSettings settings, AcmeStore store, LiveCertificate live) { // AcmeStore first: it loads BC
        this.settings = settings;
        this.store = store;
        this.live = live;
    }

    /** Orders a certificate for {@code key} and saves it with the key; returns it. */
    TlsKeyMaterial issue(KeyPair key) throws IOException, AcmeException, InterruptedException {
        Session session = session();
        AccountBuilder ab = new AccountBuilder().agreeToTermsOfService().useKeyPair(store.accountKey());
        if (settings.email() != null) {
            ab.addEmail(settings.email());
        }
        Account account = ab.create(session);
        Order order = account.newOrder().domains(settings.domains()).create();
        for (Authorization auth : order.getAuthorizations()) {
            if (auth.getStatus() != Status.VALID) {
                authorize(account, auth);
            }
        }
        order.execute(key);
        Status done = order.waitForCompletion(WAIT);
        if (done != Status.VALID) {
            throw new AcmeException("order " + done + order.getError().map(p -> ": " + p).orElse(""));
        }
        List<X509Certificate> chain = order.getCertificate().getCertificateChain();
        store.save(key, chain);
        return new TlsKeyMaterial(key.getPrivate(), chain);
    }

    private void authorize(Account account, Authorization auth) throws IOException, AcmeException,
            InterruptedException {
        String host = auth.getIdentifier().getDomain();
        Challenge challenge;
        Runnable withdraw;
        if (settings.challenge() == AcmeSettings.Challenge.TLS_ALPN_01) {
            TlsAlpn01Challenge c = auth.findChallenge(TlsAlpn01Challenge.class)
                    .orElseThrow(() -> new AcmeException(host + ": the CA offers no tls-alpn-01 challenge"));
            KeyPair kp = org.shredzone.acme4j.util.KeyPairUtils.createKeyPair(2048); // acme4j signs it SHA256withRSA
            live.publishChallenge(host, new TlsKeyMaterial(kp.getPrivate(),
                    List.of(c.createCertificate(kp, auth.getIdentifier()))));
            challenge = c;
            withdraw = () -> live.withdrawChallenge(host);
        } else {
            Http01Challenge c = auth.findChallenge(Http01Challenge.class)
                    .orElseThrow(() -> new AcmeException(host + ": the CA offers no http-01 challenge"));
            AcmeHttpTokens.publish(c.getToken(), c.getAuthorization());
            challenge = c;
            withdraw = () -> AcmeHttpTokens.withdraw(c.getToken());
        }
        try {
            LOG.info("ACME: proving {} by {}", host, challenge.getType());
            challenge.trigger();
            Status s = challenge.waitForCompletion(WAIT);
            if (s != Status.VALID) {
                throw new AcmeException(host + ": " + challenge.getType() + " " + s
                        + challenge.getError().map(p -> " (" + p + ")").orElse(""));
            }
        } finally {
            withdraw.run();
        }
    }

    private Session session() throws IOException {
        if (settings.trustPem() == null) {
            return new Session(settings.directory());
        }
        SSLContext ssl = trusting(settings.trustPem());
        return new Session(settings.directory(), new GenericAcmeProvider() {
            @Override
            protected HttpConnector createHttpConnector(NetworkSettings network) {
                return new HttpConnector(network) {
                    @Override
                    public HttpClient.Builder createClientBuilder() {
                        return super.createClientBuilder().sslContext(ssl);
                    }
                };
            }
        });
    }

    /** An SSL context trusting only the PEM certificates in {@code file} (--acme-ca-cert). */
    private static SSLContext trusting(java.nio.file.Path file) throws IOException {
        try (var in = java.nio.file.Files.newInputStream(file)) {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            List<java.security.cert.Certificate> certs = new ArrayList<>(
                    CertificateFactory.getInstance("X.509").generateCertificates(in));
            if (certs.isEmpty()) {
                throw new IOException(file + ": no PEM certificate in it");
            }
            for (int i = 0; i < certs.size(); i++) {
                ks.setCertificateEntry("ca" + i, certs.get(i));
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException("--acme-ca-cert " + file + ": " + e.getMessage(), e);
        }
    }
}
