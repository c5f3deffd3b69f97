package dev.alknet.it;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;

/**
 * A real HTTP server on loopback (IPv4 and IPv6) that serves {@code /blob?size=N&seed=S}: N pseudo-random
 * bytes, generated as they are sent, so hundreds of MiB cost no memory and the test knows their SHA-256.
 */
final class WebServer implements AutoCloseable {

    private final HttpServer http;

    WebServer() throws IOException {
        http = HttpServer.create(new InetSocketAddress(InetAddress.getByName("::"), 0), 128);
        http.setExecutor(Executors.newFixedThreadPool(16, r -> {
            Thread t = new Thread(r, "web");
            t.setDaemon(true);
            return t;
        }));
        http.createContext("/blob", ex -> {
            String q = ex.getRequestURI().getQuery();
            long size = Long.parseLong(param(q, "size", "0"));
            long seed = Long.parseLong(param(q, "seed", "1"));
            ex.getResponseHeaders().set("Content-Type", "application/octet-stream");
            ex.sendResponseHeaders(200, size == 0 ? -1 : size);
            try (OutputStream out = ex.getResponseBody()) {
                Blob.write(size, seed, out);
            }
        });
        http.start();
    }

    int port() {
        return http.getAddress().getPort();
    }

    private static String param(String query, String name, String dflt) {
        if (query != null) {
            for (String kv : query.split("&")) {
                if (kv.startsWith(name + "=")) {
                    return kv.substring(name.length() + 1);
                }
            }
        }
        return dflt;
    }

    @Override
    public void close() {
        http.stop(0);
        ((java.util.concurrent.ExecutorService) http.getExecutor()).shutdownNow();
    }

    /** The deterministic content of a blob. */
    static final class Blob {
        private Blob() {
        }

        static void write(long size, long seed, OutputStream out) throws IOException {
            SplittableRandom r = new SplittableRandom(seed);
            byte[] buf = new byte[64 * 1024];
            long left = size;
            while (left > 0) {
                int n = (int) Math.min(buf.length, left);
                fill(r, buf, n);
                out.write(buf, 0, n);
                left -= n;
            }
        }

        /** Writes the blob to {@code file}; returns its SHA-256. */
        static String writeFile(java.nio.file.Path file, long size, long seed) throws IOException {
            try (OutputStream out = java.nio.file.Files.newOutputStream(file)) {
                write(size, seed, out);
            }
            return sha256(size, seed);
        }

        static String sha256(long size, long seed) {
            MessageDigest md = digest();
            SplittableRandom r = new SplittableRandom(seed);
            byte[] buf = new byte[64 * 1024];
            long left = size;
            while (left > 0) {
                int n = (int) Math.min(buf.length, left);
                fill(r, buf, n);
                md.update(buf, 0, n);
                left -= n;
            }
            return HexFormat.of().formatHex(md.digest());
        }

        private static void fill(SplittableRandom r, byte[] buf, int n) {
            for (int i = 0; i < n; i += 8) {
                long v = r.nextLong();
                for (int j = 0; j < 8 && i + j < n; j++) {
                    buf[i + j] = (byte) (v >>> (8 * j));
                }
            }
        }

        static MessageDigest digest() {
            try {
                return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
