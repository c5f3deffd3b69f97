package dev.alknet.it;

import dev.alknet.testkit.TrustAllTls;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/** What a fresh TLS handshake with a listener shows (its leaf certificate), plus small helpers of the cert tests. */
final class TlsPeek {

    private TlsPeek() {
    }

    /** The leaf certificate a new handshake to 127.0.0.1:{@code port} gets (SNI {@code sni} if not null). */
    static X509Certificate leaf(int port, String sni) throws Exception {
        SSLContext ctx = TrustAllTls.context();
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            SSLParameters p = s.getSSLParameters();
            p.setApplicationProtocols(new String[] {"alknet-ssh", "http/1.1"});
            if (sni != null) {
                p.setServerNames(List.of(new SNIHostName(sni)));
            }
            s.setSSLParameters(p);
            s.startHandshake();
            return (X509Certificate) s.getSession().getPeerCertificates()[0];
        }
    }

    /** Opens a SOCKS5 CONNECT through {@code socksPort} to the echo server and checks one round trip. */
    static Socket echoStream(int socksPort, int echoPort) throws IOException {
        Socket s = E2e.socksSocket(socksPort);
        s.setSoTimeout(15_000);
        s.getOutputStream().write(E2e.request(E2e.CONNECT, "127.0.0.1", echoPort));
        int reply = E2e.readReply(s.getInputStream());
        if (reply != E2e.SUCCEEDED) {
            throw new IOException("SOCKS reply " + reply);
        }
        roundTrip(s, "first");
        return s;
    }

    /** Writes {@code text} and reads it back (the echo). */
    static void roundTrip(Socket s, String text) throws IOException {
        byte[] b = text.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        OutputStream out = s.getOutputStream();
        out.write(b);
        out.flush();
        InputStream in = s.getInputStream();
        byte[] got = in.readNBytes(b.length);
        if (!java.util.Arrays.equals(b, got)) {
            throw new IOException("echo gave '" + new String(got, java.nio.charset.StandardCharsets.US_ASCII) + "'");
        }
    }

    static String scrape(String url) throws IOException, InterruptedException {
        HttpClient c = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        return c.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    /** The value of {@code sample} (name with labels) in a Prometheus exposition, NaN if absent. */
    static double metric(String exposition, String sample) {
        for (String line : exposition.lines().toList()) {
            if (line.startsWith(sample + " ")) {
                return Double.parseDouble(line.substring(sample.length() + 1).trim().split(" ")[0]);
            }
        }
        return Double.NaN;
    }

    static void hup(Process p) throws IOException, InterruptedException {
        Process k = new ProcessBuilder("kill", "-HUP", Long.toString(p.pid())).inheritIO().start();
        if (!k.waitFor(10, java.util.concurrent.TimeUnit.SECONDS) || k.exitValue() != 0) {
            throw new IOException("kill -HUP " + p.pid() + " failed");
        }
    }
}
