package dev.alknet.server.stealth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.alknet.transport.stealth.StealthKey;
import dev.alknet.transport.tls.TlsCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The TLS face of a stealth listener against Debian's nginx serving the same certificate (docs/stealth.md):
 * for each ClientHello of the probe set (TLS 1.3 only, TLS 1.2 only with several cipher offers, ALPN offers,
 * with and without the session ticket extension, protocols nginx refuses) the ServerHello is parsed and its
 * JA3S-style fields, the EncryptedExtensions, the session tickets' lifetime hints, the alert if any, and the
 * HTTP answer (status line, header names in order) must be the same for nginx, a compatible and a strict
 * listener. What BoringSSL cannot make the same is left out of the comparison and printed
 * ({@link #knownDifferences}); docs/stealth.md lists it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TlsFaceNginxTest {

    private static final String GET = "GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
    private static final String MISSING = "GET /missing HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
    private static final String BROWSER12 = "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
            + "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:"
            + "ECDHE-RSA-CHACHA20-POLY1305:ECDHE-RSA-AES128-SHA:ECDHE-RSA-AES256-SHA:AES128-GCM-SHA256:"
            + "AES256-GCM-SHA384:AES128-SHA:AES256-SHA";

    private static StealthServer compatible;
    private static StealthServer strict;
    private static Nginx nginx;
    private static Path scratch;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Nginx.installed(), "nginx not installed (apt-get install nginx-light)");
        assumeTrue(Files.isExecutable(TlsFace.OPENSSL), "openssl not installed (apt-get install openssl)");
        Path site = ProbeSet.site(Files.createTempDirectory("alknet-site-"));
        Duration timeout = Duration.ofSeconds(10);
        compatible = StealthServer.start(StealthOptions.compatible(timeout, site, null), "tls");
        strict = StealthServer.start(StealthOptions.strict(timeout, site, null, StealthKey.random()),
                compatible.dir, "tls");
        nginx = Nginx.start(compatible.dir, site, compatible.dir.resolve(TlsCertificates.CERT_FILE),
                compatible.dir.resolve(TlsCertificates.KEY_FILE), 10);
        scratch = Files.createDirectories(compatible.dir.resolve("probes"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (nginx != null) {
            nginx.close();
        }
        for (StealthServer s : new StealthServer[] {compatible, strict}) {
            if (s != null) {
                s.close();
            }
        }
    }

    /** name → s_client arguments; the request is a GET of / unless the name says 404. */
    private static Map<String, List<String>> probes() {
        Map<String, List<String>> p = new LinkedHashMap<>();
        p.put("1.3 openssl default", List.of("-tls1_3"));
        p.put("1.3 browser order", List.of("-tls1_3", "-ciphersuites",
                "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256"));
        p.put("1.3 aes256 only", List.of("-tls1_3", "-ciphersuites", "TLS_AES_256_GCM_SHA384"));
        p.put("1.3 chacha first", List.of("-tls1_3", "-ciphersuites",
                "TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256"));
        p.put("1.3 key share P-256", List.of("-tls1_3", "-groups", "P-256:X25519"));
        p.put("1.3 no ticket", List.of("-tls1_3", "-no_ticket"));
        p.put("1.3 alpn h2,http/1.1", List.of("-tls1_3", "-alpn", "h2,http/1.1"));
        p.put("1.3 alpn http/1.1 404", List.of("-tls1_3", "-alpn", "http/1.1"));
        p.put("1.3 alpn h2", List.of("-tls1_3", "-alpn", "h2"));
        p.put("1.3 alpn alknet-ssh", List.of("-tls1_3", "-alpn", "alknet-ssh"));
        p.put("1.3 alpn alknet-ssh,http/1.1", List.of("-tls1_3", "-alpn", "alknet-ssh,http/1.1"));
        p.put("1.2 openssl default", List.of("-tls1_2"));
        p.put("1.2 browser order", List.of("-tls1_2", "-cipher", BROWSER12));
        p.put("1.2 aes256-gcm first", List.of("-tls1_2", "-cipher",
                "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES128-GCM-SHA256"));
        p.put("1.2 chacha first", List.of("-tls1_2", "-cipher",
                "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES128-GCM-SHA256"));
        p.put("1.2 cbc sha1 only", List.of("-tls1_2", "-cipher", "ECDHE-ECDSA-AES256-SHA:ECDHE-ECDSA-AES128-SHA"));
        p.put("1.2 rsa only", List.of("-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256:AES128-GCM-SHA256"));
        p.put("1.2 no ticket", List.of("-tls1_2", "-no_ticket"));
        p.put("1.2 alpn h2,http/1.1 404", List.of("-tls1_2", "-alpn", "h2,http/1.1"));
        p.put("1.2 alpn h2", List.of("-tls1_2", "-alpn", "h2"));
        p.put("1.1 only", List.of("-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0"));
        return p;
    }

    private static TlsFace probe(int port, String name, List<String> args) throws Exception {
        return TlsFace.probe(scratch, port, args, name.endsWith("404") ? MISSING : GET);
    }

    @Test
    void sameFaceAsNginxProbeByProbe() throws Exception {
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        List<Map.Entry<String, List<String>>> cases = List.copyOf(probes().entrySet());
        Probe.parallel(cases, 3, c -> {
            TlsFace ref = probe(nginx.httpsPort, c.getKey(), c.getValue());
            for (StealthServer s : new StealthServer[] {compatible, strict}) {
                String who = s == compatible ? "compatible" : "strict";
                TlsFace ours = probe(s.port("tls"), c.getKey(), c.getValue());
                List<String> known = knownDifferences(ref, ours);
                if (!known.isEmpty()) {
                    System.out.println(c.getKey() + " (" + who + "), known: " + String.join("; ", known));
                }
                String diff = differences(ref, ours);
                if (!diff.isEmpty()) {
                    failures.add(c.getKey() + " (" + who + "): " + diff);
                }
            }
        });
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    /**
     * {@code --stealth-ssh-alpn}: only then does a compatible listener negotiate alknet-ssh (without it, the probes
     * above get nginx's alert or http/1.1); the web answer stays nginx's for everything else.
     */
    @Test
    void alknetSshAlpnOnlyWhereTheOperatorOptsIn() throws Exception {
        try (StealthServer optedIn = StealthServer.start(StealthOptions.compatible(Duration.ofSeconds(10),
                null, null), compatible.dir, true, "tls")) {
            TlsFace alone = probe(optedIn.port("tls"), "1.3", List.of("-tls1_3", "-alpn", "alknet-ssh"));
            assertEquals("alknet-ssh", alone.alpn(), alone.toString());
            TlsFace both = probe(optedIn.port("tls"), "1.2", List.of("-tls1_2", "-alpn", "alknet-ssh,http/1.1"));
            assertEquals("alknet-ssh", both.alpn(), both.toString());
            TlsFace web = probe(optedIn.port("tls"), "1.3", List.of("-tls1_3", "-alpn", "h2,http/1.1"));
            assertEquals("http/1.1", web.alpn(), web.toString());
            TlsFace h2 = probe(optedIn.port("tls"), "1.3", List.of("-tls1_3", "-alpn", "h2"));
            assertEquals(probe(nginx.httpsPort, "1.3", List.of("-tls1_3", "-alpn", "h2")).alert(), h2.alert());
        }
        TlsFace refused = probe(compatible.port("tls"), "1.3", List.of("-tls1_3", "-alpn", "alknet-ssh"));
        assertEquals(null, refused.alpn());
        assertEquals(-1, refused.version(), "no ServerHello without the opt-in: " + refused);
    }

    /**
     * The compared fields that differ, empty if none. What BoringSSL cannot do as OpenSSL 3 does is left out here
     * and listed by {@link #knownDifferences} (docs/stealth.md): the order of the ServerHello's extensions (their
     * set is compared), the TLS 1.3 tickets' lifetime hint (their number is compared), encrypt_then_mac (22) for
     * CBC suites and supported_groups (10) in EncryptedExtensions, neither of which BoringSSL implements.
     */
    private static String differences(TlsFace ref, TlsFace ours) {
        List<String> d = new ArrayList<>();
        check(d, "alert", ref.alert(), ours.alert());
        check(d, "version", ref.version(), ours.version());
        check(d, "cipher", ref.cipher(), ours.cipher());
        check(d, "session id length", ref.sessionIdLength(), ours.sessionIdLength());
        check(d, "ServerHello extensions (set)", sorted(ref.serverHelloExtensions(), 22), sorted(ours.serverHelloExtensions(), 22));
        check(d, "EncryptedExtensions", without(ref.encryptedExtensions(), 10), ours.encryptedExtensions());
        check(d, "alpn", ref.alpn(), ours.alpn());
        check(d, "tickets", ref.ticketLifetimes().size(), ours.ticketLifetimes().size());
        if (ref.version() == TLS12) {
            for (int i = 0; i < Math.min(ref.ticketLifetimes().size(), ours.ticketLifetimes().size()); i++) {
                // BoringSSL states the time left, which may already be a second less
                long r = ref.ticketLifetimes().get(i);
                long o = ours.ticketLifetimes().get(i);
                if (o != r && o != r - 1) {
                    d.add("TLS 1.2 ticket lifetime nginx=" + r + " alknet=" + o);
                }
            }
        }
        check(d, "status line", ref.statusLine(), ours.statusLine());
        check(d, "header names", ref.headerNames(), ours.headerNames());
        return String.join("; ", d);
    }

    /** What differs between nginx and us that BoringSSL cannot change (see {@link #differences}). */
    private static List<String> knownDifferences(TlsFace ref, TlsFace ours) {
        List<String> d = new ArrayList<>();
        check(d, "ServerHello extension order", ref.serverHelloExtensions(), ours.serverHelloExtensions());
        if (ref.version() == TLS13) {
            check(d, "TLS 1.3 ticket lifetimes", ref.ticketLifetimes(), ours.ticketLifetimes());
        }
        check(d, "EncryptedExtensions", ref.encryptedExtensions(), ours.encryptedExtensions());
        return d;
    }

    private static final int TLS12 = 0x0303;
    private static final int TLS13 = 0x0304;

    private static List<Integer> sorted(List<Integer> types, int dropped) {
        return types.stream().filter(t -> t != dropped).sorted().toList();
    }

    private static List<Integer> without(List<Integer> types, int dropped) {
        return types.stream().filter(t -> t != dropped).toList();
    }

    private static void check(List<String> d, String field, Object ref, Object ours) {
        if (!java.util.Objects.equals(ref, ours)) {
            d.add(field + " nginx=" + ref + " alknet=" + ours);
        }
    }
}
