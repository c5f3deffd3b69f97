package dev.alknet.client.socks;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** A loopback TCP server whose connections run a test's handler, one thread each. */
final class TargetServer implements AutoCloseable {

    @FunctionalInterface
    interface Handler {
        void handle(Socket socket) throws Exception;
    }

    final List<Throwable> errors = new CopyOnWriteArrayList<>();
    final AtomicInteger accepted = new AtomicInteger();
    private final ServerSocket listener;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "target");
        t.setDaemon(true);
        return t;
    });

    TargetServer(Handler handler) throws IOException {
        this(InetAddress.getLoopbackAddress(), handler);
    }

    TargetServer(InetAddress bind, Handler handler) throws IOException {
        listener = new ServerSocket();
        listener.bind(new InetSocketAddress(bind, 0), 512);
        threads.execute(() -> {
            while (!listener.isClosed()) {
                Socket s;
                try {
                    s = listener.accept();
                } catch (IOException e) {
                    return;
                }
                accepted.incrementAndGet();
                threads.execute(() -> {
                    try (s) {
                        s.setSoTimeout(20_000);
                        handler.handle(s);
                    } catch (Throwable e) {
                        errors.add(e);
                    }
                });
            }
        });
    }

    int port() {
        return listener.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        listener.close();
        threads.shutdownNow();
    }
}
