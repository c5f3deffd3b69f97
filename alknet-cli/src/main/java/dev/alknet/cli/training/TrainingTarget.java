package dev.alknet.cli.training;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The destination of the training load, on loopback: one request per connection, a command byte and an 8-byte length
 * ('E': echo until EOF, 'D' n: send n bytes, 'U' n: read n bytes and answer one byte).
 */
final class TrainingTarget implements AutoCloseable {

    private final ServerSocket listener;
    private final ExecutorService workers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "training-target");
        t.setDaemon(true);
        return t;
    });

    TrainingTarget() throws IOException {
        listener = new ServerSocket(0, 1024, InetAddress.getLoopbackAddress());
        workers.execute(this::acceptLoop);
    }

    int port() {
        return listener.getLocalPort();
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket s = listener.accept();
                workers.execute(() -> serve(s));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private static void serve(Socket s) {
        try (s) {
            DataInputStream in = new DataInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            int command = in.read();
            long n = in.readLong();
            byte[] buf = new byte[64 * 1024];
            switch (command) {
                case 'E' -> in.transferTo(out);
                case 'D' -> {
                    for (long left = n; left > 0; left -= buf.length) {
                        out.write(buf, 0, (int) Math.min(buf.length, left));
                    }
                }
                case 'U' -> {
                    skipFully(in, n, buf);
                    out.write(1);
                }
                default -> { }
            }
        } catch (IOException e) {
            // the load side gave up on this connection; it counts its own failures
        }
    }

    static void skipFully(InputStream in, long n, byte[] buf) throws IOException {
        for (long left = n; left > 0; ) {
            int r = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (r < 0) {
                throw new IOException("EOF with " + left + " bytes still to come");
            }
            left -= r;
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        workers.shutdownNow();
    }
}
