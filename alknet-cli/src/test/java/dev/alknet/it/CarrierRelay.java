package dev.alknet.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay on loopback between a client and the server it stands for, so a test can break the carrier:
 * {@link #cut()} kills every relayed connection at once (the client sees its carrier die, the server too);
 * {@link #blackhole} closes new connections at once, like a network that is down. It remembers the first
 * line each client connection sent (to replay a resume hello).
 */
final class CarrierRelay implements AutoCloseable {

    private final ServerSocket listener;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    final List<String> firstLines = new CopyOnWriteArrayList<>();
    private volatile int targetPort;
    volatile boolean blackhole;
    /** Connections that stay open but carry nothing more (a path that went silent). */
    private final java.util.Set<Socket> stalled = java.util.concurrent.ConcurrentHashMap.newKeySet();

    CarrierRelay(int targetPort) throws IOException {
        this.targetPort = targetPort;
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        E2e.daemon("relay-accept", this::acceptLoop);
    }

    int port() {
        return listener.getLocalPort();
    }

    void target(int port) {
        targetPort = port;
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                if (blackhole) {
                    client.setSoLinger(true, 0);
                    client.close();
                    continue;
                }
                Socket server = new Socket();
                server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 5_000);
                open.add(client);
                open.add(server);
                E2e.daemon("relay-up", () -> pipe(client, server, true));
                E2e.daemon("relay-down", () -> pipe(server, client, false));
            } catch (IOException e) {
                // listener closed, or the target refused: the client sees its connection end
            }
        }
    }

    private void pipe(Socket from, Socket to, boolean upstream) {
        byte[] buf = new byte[64 * 1024];
        StringBuilder line = upstream ? new StringBuilder() : null;
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                if (line != null) {
                    for (int i = 0; i < n && line != null; i++) {
                        if (buf[i] == '\n') {
                            firstLines.add(line.toString().trim());
                            line = null;
                        } else if (line.length() < 512) {
                            line.append((char) buf[i]);
                        }
                    }
                }
                synchronized (stalled) { // held until cut() or the other direction closes it
                    while (stalled.contains(from) && !from.isClosed()) {
                        stalled.wait();
                    }
                }
                out.write(buf, 0, n);
            }
        } catch (IOException e) {
            // cut
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            E2e.closeQuietly(from);
            E2e.closeQuietly(to);
            closed();
        }
    }

    /** Every relayed connection stays open but stops carrying bytes; later connections are not affected. */
    void stall() {
        stalled.addAll(open);
    }

    /** Breaks every relayed connection now (reset, no goodbye). */
    void cut() {
        for (Socket s : open) {
            try {
                s.setSoLinger(true, 0);
            } catch (IOException e) {
                // already closed
            }
            E2e.closeQuietly(s);
        }
        open.clear();
        closed();
    }

    /** Wakes the stalled pipes: the sockets they hold may have closed. */
    private void closed() {
        synchronized (stalled) {
            stalled.notifyAll();
        }
    }

    int connectionsSoFar() {
        return firstLines.size();
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException e) {
            // closing anyway
        }
        cut();
    }
}
