package dev.alknet.server.stealth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.alknet.transport.Endpoint;
import dev.alknet.transport.Transport;
import dev.alknet.transport.TransportSettings;
import dev.alknet.transport.quic.QuicTransport;
import dev.alknet.transport.stealth.StealthKey;
import dev.alknet.transport.stealth.StrictProof;
import dev.alknet.transport.stealth.StrictProofClient;
import dev.alknet.transport.tcp.TcpTransport;
import dev.alknet.transport.tls.TlsCertificates;
import dev.alknet.transport.tls.TlsTransport;
import io.netty.channel.Channel;
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
 * {@code --stealth=strict} (docs/adr/0014) against a real nginx serving the same directory with the same
 * certificate: every probe — the usual set, an SSH banner, a replayed recording of a real client's proof,
 * an expired proof, a proof made with the wrong key or for another transport, every ALPN offer including
 * {@code alknet-ssh} — gets what nginx answers, and never an SSH byte; only a fresh, valid proof gets SSH.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class StrictNginxReferenceTest {

    private static final int HEADER_TIMEOUT_S = 4;
    private static final Duration WAIT = Duration.ofMillis(1500);
    private static final StealthKey KEY = StealthKey.random();
    private static final String SSH_BANNER = ProbeSet.SSH_BANNER;

    private static StealthServer alknet;
    private static Nginx nginx;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Nginx.installed(), "nginx not installed (apt-get install nginx-light)");
        Path site = ProbeSet.site(Files.createTempDirectory("alknet-site-"));
        alknet = StealthServer.start(StealthOptions.strict(Duration.ofSeconds(HEADER_TIMEOUT_S), site, null, KEY),
                "tcp", "tls", "quic");
        nginx = Nginx.start(alknet.dir, site, alknet.dir.resolve(TlsCertificates.CERT_FILE),
                alknet.dir.resolve(TlsCertificates.KEY_FILE), HEADER_TIMEOUT_S);
    }

    @AfterAll
    static void stop() throws Exception {
        if (nginx != null) {
            nginx.close();
        }
        if (alknet != null) {
            alknet.close();
        }
    }

    private static void same(String name, Probe.Result ref, Probe.Result ours, List<String> failures) {
        try {
            assertEquals(ref.shape(), ours.shape(), name + "\n--- nginx:\n" + ref + "\n--- alknet:\n" + ours);
            // a pipelined second answer (the banner after a refused proof) has a Date of its own
            assertEquals(undated(ref.body()), undated(ours.body()), name + ": body");
            for (String h : new String[] {"Content-Type", "Content-Length", "ETag", "Last-Modified", "Connection"}) {
                assertEquals(ref.header(h), ours.header(h), name + ": " + h);
            }
            assertFalse(ours.sentSsh(), name + ": alknet sent SSH bytes");
        } catch (AssertionError e) {
            failures.add(e.getMessage());
        }
    }

    private static String undated(String s) {
        return s.replaceAll("\r\nDate: [^\r]*\r\n", "\r\nDate: -\r\n");
    }

    private static TransportSettings strictClient() {
        return TransportSettings.builder().connectTimeout(Duration.ofSeconds(20)).stealthKey(KEY).build();
    }


    /**
     * A real client's first bytes on {@code scheme}: the strict client's proof head, made for the stream
     * our transport opened, as the strict client sends it, followed by OpenSSH's banner; it is sent on that
     * stream (and must get SSH) before the recording is returned for replay.
     */
    private static byte[] recordProof(Transport t, String scheme) throws Exception {
        Channel stream = t.connect(new Endpoint(scheme, "127.0.0.1", alknet.port(scheme))).get(30, TimeUnit.SECONDS);
        String head = stream.eventLoop().submit(() -> StrictProofClient.head(KEY, scheme, "localhost", stream))
                .get(10, TimeUnit.SECONDS);
        byte[] recording = Probe.ascii(head + SSH_BANNER);
        String answer = StreamExchange.exchange(stream, recording, Duration.ofSeconds(10));
        assertTrue(answer.startsWith("SSH-2.0-" + dev.alknet.server.SshIdent.DEFAULT + "\r\n"), scheme + ": a fresh proof gets SSH: " + answer);
        return recording;
    }

    private static byte[] token(StealthKey key, String scheme, long epochSeconds) {
        byte[] nonce = new byte[16];
        new java.security.SecureRandom().nextBytes(nonce);
        return Probe.ascii("GET /" + StrictProof.token(key, scheme, new byte[0], epochSeconds, nonce)
                + " HTTP/1.1\r\nHost: localhost\r\nAccept: */*\r\n\r\n" + SSH_BANNER);
    }

    @Test
    void plainPortProbesIncludingBannersAndReplays() throws Exception {
        Map<String, byte[]> probes = new LinkedHashMap<>(ProbeSet.plain());
        probes.put("SSH banner", Probe.ascii(SSH_BANNER));
        probes.put("replayed recording of a real client",
                recordProof(new TcpTransport(Duration.ofSeconds(10), null), "tcp"));
        long now = System.currentTimeMillis() / 1000;
        probes.put("proof 300 s old", token(KEY, "tcp", now - 300));
        probes.put("proof 300 s ahead", token(KEY, "tcp", now + 300));
        probes.put("proof with a wrong key", token(StealthKey.random(), "tcp", now));
        probes.put("proof for another transport", token(KEY, "quic", now));
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        Probe.parallel(List.copyOf(probes.entrySet()), p -> same("tcp " + p.getKey(),
                Probe.tcp(nginx.httpPort, p.getValue(), WAIT), Probe.tcp(alknet.port("tcp"), p.getValue(), WAIT),
                failures));
        assertTrue(failures.isEmpty(), String.join("\n\n", failures));
    }

    @Test
    void tlsProbesPerAlpnOffer() throws Exception {
        Transport tls = new TlsTransport(strictClient());
        Map<String, byte[]> probes = new LinkedHashMap<>();
        for (String name : new String[] {"GET /", "HEAD /", "OPTIONS /", "garbage"}) {
            probes.put(name, ProbeSet.plain().get(name));
        }
        probes.put("SSH banner", Probe.ascii(SSH_BANNER));
        probes.put("replayed recording of a real client", recordProof(tls, "tls"));
        probes.put("tcp proof inside TLS", token(KEY, "tcp", System.currentTimeMillis() / 1000));
        String[][] offers = {null, {"http/1.1"}, {"h2"}, {"h2", "http/1.1"}, {"alknet-ssh"}, {"alknet-ssh", "http/1.1"}};
        List<Object[]> cases = new ArrayList<>();
        for (String[] alpn : offers) {
            for (String name : probes.keySet()) {
                if (alpn == null || alpn.length == 2 || name.equals("GET /") || name.startsWith("replayed")) {
                    cases.add(new Object[] {alpn, name});
                }
            }
        }
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        Probe.parallel(cases, 4, c -> {
            String[] alpn = (String[]) c[0];
            byte[] send = probes.get((String) c[1]);
            same("tls alpn=" + (alpn == null ? "none" : String.join(",", alpn)) + " " + c[1],
                    Probe.tls(nginx.httpsPort, alpn, send, WAIT), Probe.tls(alknet.port("tls"), alpn, send, WAIT),
                    failures);
        });
        assertTrue(failures.isEmpty(), String.join("\n\n", failures));
    }

    @Test
    void plaintextSilenceAndPartialHeadsOnBothPorts() throws Exception {
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        byte[] partialProof = java.util.Arrays.copyOf(token(KEY, "tcp", System.currentTimeMillis() / 1000), 40);
        List<Object[]> cases = new ArrayList<>();
        cases.add(new Object[] {"plaintext on tls port: SSH banner", true, Probe.ascii(SSH_BANNER), WAIT});
        cases.add(new Object[] {"plaintext on tls port: GET /", true, ProbeSet.plain().get("GET /"), WAIT});
        Duration untilTimeout = Duration.ofSeconds(HEADER_TIMEOUT_S + 3);
        cases.add(new Object[] {"tcp: connect and wait", false, new byte[0], untilTimeout});
        cases.add(new Object[] {"tls port: connect and wait", true, new byte[0], untilTimeout});
        cases.add(new Object[] {"tcp: half a proof, then wait", false, partialProof, untilTimeout});
        Probe.parallel(cases, c -> {
            boolean tlsPort = (Boolean) c[1];
            byte[] send = (byte[]) c[2];
            Duration wait = (Duration) c[3];
            Probe.Result ref = Probe.tcp(tlsPort ? nginx.httpsPort : nginx.httpPort, send, wait);
            Probe.Result ours = Probe.tcp(alknet.port(tlsPort ? "tls" : "tcp"), send, wait);
            same((String) c[0], ref, ours, failures);
        });
        assertTrue(failures.isEmpty(), String.join("\n\n", failures));
    }

    @Test
    void quicStreamsSeeTheWebFrontUnlessTheyProve() throws Exception {
        Transport quic = new QuicTransport(strictClient());
        Map<String, byte[]> probes = new LinkedHashMap<>();
        probes.put("GET /", ProbeSet.plain().get("GET /"));
        probes.put("SSH banner", Probe.ascii(SSH_BANNER));
        probes.put("garbage", ProbeSet.GARBAGE);
        probes.put("replayed recording of a real client", recordProof(quic, "quic"));
        probes.put("tcp proof on quic", token(KEY, "tcp", System.currentTimeMillis() / 1000));
        List<String> failures = new ArrayList<>();
        for (Map.Entry<String, byte[]> p : probes.entrySet()) {
            Channel stream = quic.connect(new Endpoint("quic", "127.0.0.1", alknet.port("quic"))).get(30, TimeUnit.SECONDS);
            String got = StreamExchange.exchange(stream, p.getValue(), WAIT);
            if (got.contains("SSH-") || !got.startsWith("HTTP/1.1 ")) {
                failures.add("quic " + p.getKey() + ": " + got);
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n\n", failures));
        // A QUIC client offering alknet's own ALPN does not even complete the handshake.
        Transport plainQuic = new QuicTransport(TransportSettings.builder().connectTimeout(Duration.ofSeconds(10)).build());
        assertThrows(Exception.class, () -> plainQuic.connect(new Endpoint("quic", "127.0.0.1", alknet.port("quic")))
                .get(30, TimeUnit.SECONDS));
    }
}
