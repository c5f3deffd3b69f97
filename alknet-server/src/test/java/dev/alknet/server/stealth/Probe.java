package dev.alknet.server.stealth;

import dev.alknet.testkit.TrustAllTls;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * A scanner's probe: connect (optionally TLS with a given ALPN offer), send some bytes, collect what comes
 * back for a while, and tell how the connection ended.
 */
final class Probe {

    /** How the connection ended. */
    enum Ending {
        /** Still open when the probe stopped waiting (keep-alive). */
        OPEN,
        /** EOF, and bytes written afterwards were refused (RST): a plain close. */
        CLOSED,
        /** EOF, yet bytes written afterwards were taken: nginx's lingering close. */
        LINGER,
        /** Connection reset instead of EOF. */
        RESET,
        /** TLS handshake failed (see {@link Result#tlsError}). */
        HANDSHAKE_FAILED
    }

    record Result(byte[] bytes, Ending ending, String alpn, String tlsError, long millis) {

        String text() {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }

        boolean sentSsh() {
            return text().contains("SSH-");
        }

        String statusLine() {
            String t = text();
            int e = t.indexOf("\r\n");
            return e < 0 ? t : t.substring(0, e);
        }

        /** Header names in order (the part after the status line, up to the empty line). */
        List<String> headerNames() {
            List<String> names = new ArrayList<>();
            String t = text();
            int end = t.indexOf("\r\n\r\n");
            if (end < 0 || !t.startsWith("HTTP/")) {
                return names;
            }
            String[] lines = t.substring(0, end).split("\r\n");
            for (int i = 1; i < lines.length; i++) {
                int c = lines[i].indexOf(':');
                names.add(c < 0 ? lines[i] : lines[i].substring(0, c));
            }
            return names;
        }

        String header(String name) {
            String t = text();
            int end = t.indexOf("\r\n\r\n");
            for (String l : t.substring(0, Math.max(0, end)).split("\r\n")) {
                if (l.regionMatches(true, 0, name + ":", 0, name.length() + 1)) {
                    return l.substring(name.length() + 1).strip();
                }
            }
            return null;
        }

        /** Everything after the head (or everything, for a response without one). */
        String body() {
            String t = text();
            int end = t.indexOf("\r\n\r\n");
            return t.startsWith("HTTP/") && end >= 0 ? t.substring(end + 4) : t;
        }

        /** A summary that two servers answering alike produce identically (no dates, ports or tags). */
        String shape() {
            if (ending == Ending.HANDSHAKE_FAILED) {
                return "handshake failed: " + tlsError;
            }
            return "alpn=" + alpn + " | " + statusLine() + " | " + headerNames() + " | body " + body().length()
                    + " | " + ending;
        }

        @Override
        public String toString() {
            return shape() + "\n" + text();
        }
    }

    private Probe() {
    }

    static Result tcp(int port, byte[] send, Duration wait) throws IOException {
        return tcp(port, send, wait, 0);
    }

    /** As above, but stops waiting once {@code enough} bytes came (0: wait the whole time). */
    static Result tcp(int port, byte[] send, Duration wait, int enough) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        return exchange(s, send, wait, null, true, enough, System.nanoTime());
    }

    /** {@code alpn}: the protocols offered, or null for no ALPN extension at all. */
    static Result tls(int port, String[] alpn, byte[] send, Duration wait) throws IOException {
        return tls(port, alpn, send, wait, 0);
    }

    static Result tls(int port, String[] alpn, byte[] send, Duration wait, int enough) throws IOException {
        Socket raw = new Socket();
        raw.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        // The server's deadlines run from the TCP accept: times are taken from here, the handshake included.
        long t0 = System.nanoTime();
        SSLSocket s;
        try {
            s = (SSLSocket) TrustAllTls.context().getSocketFactory().createSocket(raw, "localhost", port, true);
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException(e);
        }
        SSLParameters p = s.getSSLParameters();
        p.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
        if (alpn != null) {
            p.setApplicationProtocols(alpn);
        }
        s.setSSLParameters(p);
        s.setSoTimeout(10_000);
        try {
            s.startHandshake();
        } catch (SSLException e) {
            s.close();
            return new Result(new byte[0], Ending.HANDSHAKE_FAILED, null, alert(e),
                    (System.nanoTime() - t0) / 1_000_000);
        }
        return exchange(s, send, wait, s.getApplicationProtocol(), false, enough, t0);
    }

    private static String alert(SSLException e) {
        String m = String.valueOf(e.getMessage());
        int i = m.indexOf("alert: ");
        return i >= 0 ? m.substring(i + 7) : m;
    }

    /** {@code t0}: when the connection was made; times and the wait count from there. */
    private static Result exchange(Socket s, byte[] send, Duration wait, String alpn, boolean lingerCheck,
            int enough, long t0) throws IOException {
        try (s) {
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            if (send.length > 0) {
                out.write(send);
                out.flush();
            }
            s.setSoTimeout(100);
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            long deadline = t0 + wait.toNanos();
            byte[] buf = new byte[65536];
            Ending ending = Ending.OPEN;
            while (System.nanoTime() < deadline) {
                int n;
                try {
                    n = in.read(buf);
                } catch (SocketTimeoutException e) {
                    continue;
                } catch (IOException e) {
                    ending = Ending.RESET;
                    break;
                }
                if (n < 0) {
                    ending = Ending.CLOSED;
                    break;
                }
                got.write(buf, 0, n);
                if (enough > 0 && got.size() >= enough) {
                    break;
                }
            }
            long millis = (System.nanoTime() - t0) / 1_000_000;
            if (ending == Ending.CLOSED && lingerCheck) {
                ending = afterEof(s) ? Ending.LINGER : Ending.CLOSED;
            }
            return new Result(got.toByteArray(), ending, alpn, null, millis);
        }
    }

    /** After EOF: does the peer still take bytes (lingering) or answer them with RST (closed)? */
    private static boolean afterEof(Socket s) {
        try {
            // The first write draws a closed peer's RST, which fails a later one (on loopback at once); the
            // 300 ms of writing are the point: a lingering peer (nginx: seconds) takes them all.
            OutputStream out = s.getOutputStream();
            long end = System.nanoTime() + 300_000_000L;
            do {
                out.write(new byte[16]);
                out.flush();
                Thread.sleep(20);
            } while (System.nanoTime() < end);
            out.write(new byte[16]);
            out.flush();
            return true;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Runs {@code check} for each item on its own thread (the probes are independent); rethrows the first failure. */
    static <T> void parallel(List<T> items, Check<T> check) throws Exception {
        parallel(items, Math.min(items.size(), 12), check);
    }

    /** As above on {@code threads} threads: TLS handshakes are slow on a small machine with many at once. */
    static <T> void parallel(List<T> items, int threads, Check<T> check) throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        try {
            List<java.util.concurrent.Future<?>> fs = new java.util.ArrayList<>();
            for (T item : items) {
                fs.add(pool.submit(() -> {
                    check.run(item);
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> f : fs) {
                try {
                    f.get(60, java.util.concurrent.TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException e) {
                    if (e.getCause() instanceof Error err) {
                        throw err;
                    }
                    throw (Exception) e.getCause();
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @FunctionalInterface
    interface Check<T> {
        void run(T item) throws Exception;
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
