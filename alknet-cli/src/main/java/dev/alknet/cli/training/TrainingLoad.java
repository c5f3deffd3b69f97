package dev.alknet.cli.training;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a tunnel does most, through its SOCKS port, so the recorded JVMs see it: many short connections (SOCKS
 * handshake, channel open, an echo, close) and a few bulk transfers each way. Bounded in count and in time.
 */
final class TrainingLoad {

    private static final int TIMEOUT_MS = 10_000;

    private final InetSocketAddress socks;
    private final int targetPort;

    TrainingLoad(InetSocketAddress socks, int targetPort) {
        this.socks = socks;
        this.targetPort = targetPort;
    }

    /** Short connections from {@code parallel} threads until {@code count} are done or {@code maxMillis} passed. */
    int shortConnections(int count, int parallel, long maxMillis) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxMillis);
        AtomicInteger started = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int i = 0; i < parallel; i++) {
                workers.add(pool.submit(() -> {
                    byte[] payload = new byte[64];
                    while (started.getAndIncrement() < count && System.nanoTime() < deadline) {
                        echo(payload);
                        done.incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<?> w : workers) {
                w.get();
            }
        } finally {
            pool.shutdownNow();
        }
        return done.get();
    }

    /** Downloads and then uploads {@code bytes} through one stream each. */
    void bulk(long bytes) throws IOException {
        byte[] buf = new byte[64 * 1024];
        try (Socket s = open()) {
            request(s, 'D', bytes);
            TrainingTarget.skipFully(s.getInputStream(), bytes, buf);
        }
        try (Socket s = open()) {
            request(s, 'U', bytes);
            for (long left = bytes; left > 0; left -= buf.length) {
                s.getOutputStream().write(buf, 0, (int) Math.min(buf.length, left));
            }
            if (s.getInputStream().read() != 1) {
                throw new IOException("upload not acknowledged");
            }
        }
    }

    private void echo(byte[] payload) throws IOException {
        try (Socket s = open()) {
            request(s, 'E', 0);
            s.getOutputStream().write(payload);
            s.shutdownOutput();
            InputStream in = s.getInputStream();
            TrainingTarget.skipFully(in, payload.length, new byte[payload.length]);
        }
    }

    private Socket open() throws IOException {
        Socket s = new Socket(new Proxy(Proxy.Type.SOCKS, socks));
        s.setSoTimeout(TIMEOUT_MS);
        // unresolved: the name goes to the server, as socks5h clients send it
        s.connect(InetSocketAddress.createUnresolved("localhost", targetPort), TIMEOUT_MS);
        return s;
    }

    private static void request(Socket s, char command, long length) throws IOException {
        DataOutputStream out = new DataOutputStream(s.getOutputStream());
        out.write(command);
        out.writeLong(length);
        out.flush();
    }
}
