package dev.alknet.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP relay in front of a proxy that keeps every byte its clients sent (up to 64 KiB), so a test can tell what the
 * proxy was asked, and how many connections it got.
 */
final class SocksTap implements AutoCloseable {

    private static final int KEEP = 64 * 1024;

    private final ServerSocket listener;
    private final int target;
    private final ByteArrayOutputStream seen = new ByteArrayOutputStream();
    final AtomicInteger accepted = new AtomicInteger();

    SocksTap(int targetPort) throws IOException {
        target = targetPort;
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        E2e.daemon("socks-tap-accept", this::acceptLoop);
    }

    int port() {
        return listener.getLocalPort();
    }

    /** Everything the proxy's clients sent so far. */
    byte[] seen() {
        synchronized (seen) {
            return seen.toByteArray();
        }
    }

    boolean sawText(String s) {
        return new String(seen(), StandardCharsets.ISO_8859_1).contains(s);
    }

    boolean sawBytes(byte[] needle) {
        byte[] hay = seen();
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket in = listener.accept();
                accepted.incrementAndGet();
                Socket out = new Socket(InetAddress.getLoopbackAddress(), target);
                E2e.daemon("socks-tap-up", () -> pump(in, out, true));
                E2e.daemon("socks-tap-down", () -> pump(out, in, false));
            } catch (IOException e) {
                if (listener.isClosed()) {
                    return;
                }
            }
        }
    }

    private void pump(Socket from, Socket to, boolean keep) {
        byte[] buf = new byte[16 * 1024];
        try {
            InputStream in = from.getInputStream();
            int n;
            while ((n = in.read(buf)) >= 0) {
                if (keep) {
                    synchronized (seen) {
                        seen.write(buf, 0, Math.max(0, Math.min(n, KEEP - seen.size())));
                    }
                }
                to.getOutputStream().write(buf, 0, n);
            }
            to.shutdownOutput();
        } catch (IOException e) {
            E2e.closeQuietly(from);
            E2e.closeQuietly(to);
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
