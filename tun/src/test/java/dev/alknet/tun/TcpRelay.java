package dev.alknet.tun;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;

/** A plain TCP relay (the stand-in for {@code alknet connect}: a local port, one upstream server). */
final class TcpRelay implements AutoCloseable {

    private final ServerSocket listener;
    private final InetSocketAddress upstream;
    private final ThreadFactory threads;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    /** The tunnel is down: connections are accepted and closed at once (alknet would fail the SOCKS request). */
    volatile boolean down;

    /** Binds on the calling thread; {@code threads} (same namespace) dial upstream. */
    TcpRelay(InetSocketAddress bind, InetSocketAddress upstream, ThreadFactory threads) throws IOException {
        this.upstream = upstream;
        this.threads = threads;
        listener = new ServerSocket();
        listener.bind(bind, 512);
        threads.newThread(this::acceptLoop).start();
    }

    int port() {
        return listener.getLocalPort();
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket in = listener.accept();
                if (down) {
                    close(in);
                    continue;
                }
                sockets.add(in);
                threads.newThread(() -> {
                    try {
                        Socket out = new Socket();
                        sockets.add(out);
                        out.connect(upstream, 5000);
                        threads.newThread(() -> pipe(in, out)).start();
                        pipe(out, in);
                    } catch (IOException e) {
                        close(in);
                    }
                }).start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void pipe(Socket from, Socket to) {
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            byte[] buf = new byte[64 * 1024];
            int n;
            while ((n = in.read(buf)) >= 0) {
                out.write(buf, 0, n);
            }
            to.shutdownOutput();
        } catch (IOException e) {
            close(from);
            close(to);
        }
    }

    private static void close(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        sockets.forEach(TcpRelay::close);
    }
}
