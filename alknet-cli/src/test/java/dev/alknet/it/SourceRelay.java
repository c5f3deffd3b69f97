package dev.alknet.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay on loopback that dials its target from a chosen source address (127.0.0.2 plays a client
 * elsewhere on the internet), optionally writing some bytes first (a forged PROXY header). {@link #cut()}
 * resets every relayed connection: the client's carrier dies and it resumes.
 */
final class SourceRelay implements AutoCloseable {

    private final ServerSocket listener;
    private final InetAddress source;
    private final int targetPort;
    private final byte[] prefix;
    private final List<Socket> open = new CopyOnWriteArrayList<>();

    SourceRelay(String source, int targetPort, byte[] prefix) throws IOException {
        this.source = InetAddress.getByName(source);
        this.targetPort = targetPort;
        this.prefix = prefix;
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        E2e.daemon("source-relay-accept", this::acceptLoop);
    }

    int port() {
        return listener.getLocalPort();
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket();
                try {
                    server.bind(new InetSocketAddress(source, 0));
                    server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 5_000);
                    if (prefix != null) {
                        server.getOutputStream().write(prefix);
                    }
                } catch (IOException e) {
                    E2e.closeQuietly(client);
                    E2e.closeQuietly(server);
                    continue;
                }
                open.add(client);
                open.add(server);
                E2e.daemon("source-relay-up", () -> pipe(client, server));
                E2e.daemon("source-relay-down", () -> pipe(server, client));
            } catch (IOException e) {
                return; // listener closed
            }
        }
    }

    private static void pipe(Socket from, Socket to) {
        byte[] buf = new byte[64 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                out.write(buf, 0, n);
            }
        } catch (IOException e) {
            // cut or closed
        } finally {
            E2e.closeQuietly(from);
            E2e.closeQuietly(to);
        }
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
