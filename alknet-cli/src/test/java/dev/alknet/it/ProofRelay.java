package dev.alknet.it;

import dev.alknet.testkit.TrustAllTls;
import dev.alknet.transport.tls.TlsCertificates;
import dev.alknet.transport.tls.TlsKeyMaterial;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * A man-in-the-middle in front of a strict tls server (docs/adr/0014): it terminates the client's TLS with a
 * certificate of its own (a client without a pin accepts it), reads the client's proof head, and sends those
 * bytes, unchanged, to the real server in a TLS session of its own — the first the server ever sees of that
 * proof. The server's first answer goes back to the client, then both connections close. One connection.
 */
final class ProofRelay implements AutoCloseable {

    private static final char[] PASSWORD = "relay".toCharArray();

    private final SSLServerSocket listener;
    private final int serverPort;
    private final Thread worker;
    private final List<Socket> open = new ArrayList<>();
    /** The client's request head, byte for byte. */
    final CompletableFuture<byte[]> head = new CompletableFuture<>();
    /** The server's first bytes in answer to it. */
    final CompletableFuture<byte[]> answer = new CompletableFuture<>();

    ProofRelay(int serverPort) throws Exception {
        this.serverPort = serverPort;
        TlsKeyMaterial own = TlsCertificates.generate("relay.test");
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("relay", own.key(), PASSWORD, own.chain().toArray(new X509Certificate[0]));
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, PASSWORD);
        SSLContext ctx = SSLContext.getInstance("TLSv1.3");
        ctx.init(keys.getKeyManagers(), null, null);
        listener = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket(0, 1, InetAddress.getLoopbackAddress());
        worker = E2e.daemon("proof-relay", this::relayOne);
    }

    int port() {
        return listener.getLocalPort();
    }

    private void relayOne() {
        try (SSLSocket client = (SSLSocket) listener.accept()) {
            track(client);
            client.setSoTimeout(60_000);
            // a strict client offers h2 and http/1.1 and wants http/1.1, as from nginx
            client.setHandshakeApplicationProtocolSelector((s, offered) -> offered.contains("http/1.1") ? "http/1.1" : null);
            byte[] h = readHead(client.getInputStream());
            head.complete(h);
            try (SSLSocket server = upstream()) {
                server.getOutputStream().write(h);
                server.getOutputStream().flush();
                byte[] a = readSome(server.getInputStream(), 8);
                answer.complete(a);
                client.getOutputStream().write(a);
                client.getOutputStream().flush();
            }
        } catch (Exception e) {
            head.completeExceptionally(e);
            answer.completeExceptionally(e);
        }
    }

    /** A TLS 1.3 session of the relay's own with the real server, offering a browser's ALPN. */
    private SSLSocket upstream() throws Exception {
        // the relay checks nobody: it is the attacker
        SSLSocket s = (SSLSocket) TrustAllTls.context("TLSv1.3").getSocketFactory()
                .createSocket(InetAddress.getLoopbackAddress(), serverPort);
        track(s);
        s.setSoTimeout(60_000);
        SSLParameters p = s.getSSLParameters();
        p.setProtocols(new String[] {"TLSv1.3"});
        p.setApplicationProtocols(new String[] {"h2", "http/1.1"});
        s.setSSLParameters(p);
        s.startHandshake();
        return s;
    }

    /** Up to and including the blank line that ends a request head. */
    private static byte[] readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            head.write(c);
            byte[] b = head.toByteArray();
            int n = b.length;
            if (n >= 4 && b[n - 4] == '\r' && b[n - 3] == '\n' && b[n - 2] == '\r' && b[n - 1] == '\n') {
                return b;
            }
            if (n > 4096) {
                break;
            }
        }
        throw new IOException("no complete request head: " + head);
    }

    /** At least {@code min} bytes (or all there were before EOF). */
    private static byte[] readSome(InputStream in, int min) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        int n;
        while (got.size() < min && (n = in.read(buf)) >= 0) {
            got.write(buf, 0, n);
        }
        return got.toByteArray();
    }

    private synchronized void track(Socket s) {
        open.add(s);
    }

    @Override
    public void close() throws Exception {
        listener.close();
        synchronized (this) {
            open.forEach(E2e::closeQuietly);
        }
        worker.join(10_000);
    }
}
