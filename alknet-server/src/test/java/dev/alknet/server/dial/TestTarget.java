package dev.alknet.server.dial;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;

/** A tiny blocking TCP server on loopback; each accepted connection runs {@link Handler} on its own thread. */
final class TestTarget implements AutoCloseable {

    interface Handler {
        void handle(Socket socket) throws Exception;
    }

    private final ServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "test-target");
        t.setDaemon(true);
        return t;
    });
    final AtomicReference<Throwable> failure = new AtomicReference<>();

    TestTarget(Handler handler) throws IOException {
        this(handler, 0);
    }

    /** @param receiveBuffer if positive, SO_RCVBUF of accepted sockets (set before bind so it applies to the window) */
    TestTarget(Handler handler, int receiveBuffer) throws IOException {
        server = new ServerSocket();
        if (receiveBuffer > 0) {
            server.setReceiveBufferSize(receiveBuffer);
        }
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 200);
        threads.execute(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    threads.execute(() -> {
                        try (s) {
                            handler.handle(s);
                        } catch (Throwable e) {
                            failure.compareAndSet(null, e);
                        }
                    });
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    int port() {
        return server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        server.close();
        threads.shutdownNow();
    }
}
