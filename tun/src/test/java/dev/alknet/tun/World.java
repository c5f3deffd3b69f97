package dev.alknet.tun;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The far side, run in its own namespace: an HTTP server of deterministic blobs ({@code /blob?size=N&seed=S}), an
 * echo server (echoes until EOF, then half-closes), and UDP sinks that count whatever reaches them (a leak).
 */
final class World implements AutoCloseable {

    private final HttpServer http;
    private final ExecutorService httpThreads;
    private final ServerSocket echo;
    private final List<DatagramSocket> sinks = new CopyOnWriteArrayList<>();
    final AtomicInteger sinkPackets = new AtomicInteger();
    private final Set<SocketAddress> sinksHit = ConcurrentHashMap.newKeySet();
    final Set<String> httpPeers = ConcurrentHashMap.newKeySet();
    final AtomicInteger echoAccepted = new AtomicInteger();
    private final ThreadFactory threads;

    /** Call on a thread in the namespace; {@code threads} must enter the same namespace. */
    World(ThreadFactory threads, List<InetSocketAddress> udpSinks) throws IOException {
        this.threads = threads;
        httpThreads = Executors.newFixedThreadPool(16, threads);
        http = HttpServer.create(new InetSocketAddress(InetAddress.getByName("::"), 0), 256);
        http.setExecutor(httpThreads);
        http.createContext("/blob", ex -> {
            httpPeers.add(ex.getRemoteAddress().getAddress().getHostAddress());
            String q = ex.getRequestURI().getQuery();
            long size = Long.parseLong(param(q, "size", "0"));
            long seed = Long.parseLong(param(q, "seed", "1"));
            ex.sendResponseHeaders(200, size == 0 ? -1 : size);
            try (OutputStream out = ex.getResponseBody()) {
                Blob.write(size, seed, out);
            }
        });
        http.start();
        echo = new ServerSocket();
        echo.bind(new InetSocketAddress(InetAddress.getByName("::"), 0), 1024);
        threads.newThread(this::echoLoop).start();
        for (InetSocketAddress a : udpSinks) {
            DatagramSocket s = new DatagramSocket(a);
            sinks.add(s);
            threads.newThread(() -> {
                byte[] buf = new byte[2048];
                while (!s.isClosed()) {
                    try {
                        s.receive(new DatagramPacket(buf, buf.length));
                        sinkPackets.incrementAndGet();
                        sinksHit.add(s.getLocalSocketAddress());
                    } catch (IOException e) {
                        return;
                    }
                }
            }).start();
        }
    }

    /**
     * Sends a datagram from {@code near} straight to each sink (before any tunnel is up) until every sink has counted
     * one, so that a test's "nothing reached a sink" can fail: a sink that never counts would pass it for ever.
     */
    void proveSinksCount(Netns near) throws Exception {
        for (int round = 0; round < 20 && sinksHit.size() < sinks.size(); round++) {
            near.call(() -> {
                try (DatagramSocket out = new DatagramSocket()) {
                    for (DatagramSocket sink : sinks) {
                        if (!sinksHit.contains(sink.getLocalSocketAddress())) {
                            out.send(new DatagramPacket(new byte[] {1}, 1, sink.getLocalSocketAddress()));
                        }
                    }
                }
                return null;
            });
            for (int i = 0; i < 25 && sinksHit.size() < sinks.size(); i++) {
                Thread.sleep(20);
            }
        }
        if (sinksHit.size() < sinks.size()) {
            throw new IllegalStateException("datagrams sent straight to the UDP sinks were not all counted: " + sinksHit);
        }
    }

    int httpPort() {
        return http.getAddress().getPort();
    }

    int echoPort() {
        return echo.getLocalPort();
    }

    private void echoLoop() {
        while (!echo.isClosed()) {
            try {
                Socket s = echo.accept();
                echoAccepted.incrementAndGet();
                threads.newThread(() -> {
                    try (s) {
                        InputStream in = s.getInputStream();
                        OutputStream out = s.getOutputStream();
                        byte[] buf = new byte[32 * 1024];
                        int n;
                        while ((n = in.read(buf)) >= 0) {
                            out.write(buf, 0, n);
                        }
                        s.shutdownOutput();
                    } catch (IOException e) {
                        // the peer went away
                    }
                }).start();
            } catch (IOException e) {
                return;
            }
        }
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
    public void close() throws IOException {
        http.stop(0);
        httpThreads.shutdownNow();
        echo.close();
        sinks.forEach(DatagramSocket::close);
    }

    /** Deterministic content: {@code size} bytes from {@code seed}. */
    static final class Blob {
        private Blob() {
        }

        static void write(long size, long seed, OutputStream out) throws IOException {
            SplittableRandom r = new SplittableRandom(seed);
            byte[] buf = new byte[64 * 1024];
            for (long left = size; left > 0;) {
                int n = (int) Math.min(buf.length, left);
                fill(r, buf, n);
                out.write(buf, 0, n);
                left -= n;
            }
        }

        static String sha256(long size, long seed) {
            try {
                MessageDigest md = MessageDigest.getInstance("SHA-256");
                SplittableRandom r = new SplittableRandom(seed);
                byte[] buf = new byte[64 * 1024];
                for (long left = size; left > 0;) {
                    int n = (int) Math.min(buf.length, left);
                    fill(r, buf, n);
                    md.update(buf, 0, n);
                    left -= n;
                }
                return HexFormat.of().formatHex(md.digest());
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        private static void fill(SplittableRandom r, byte[] buf, int n) {
            for (int i = 0; i < n; i += 8) {
                long v = r.nextLong();
                for (int j = 0; j < 8 && i + j < n; j++) {
                    buf[i + j] = (byte) (v >>> (8 * j));
                }
            }
        }
    }
}
