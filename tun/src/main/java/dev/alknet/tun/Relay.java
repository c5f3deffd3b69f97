package dev.alknet.tun;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Splices an accepted connection (the application, via the kernel listener) and its SOCKS connection: one platform
 * thread per direction, blocking reads and writes, so a slow reader stops the other side (TCP windows are the only
 * buffer). EOF becomes a half-close on the other side; an error resets both.
 *
 * <p>The threads come from a pool and go back to it when their direction ends: a new thread per direction cost two
 * thread starts and exits per connection (JFR: 6,044 thread starts for 3,000 connects), which bounded the connect rate.
 */
final class Relay {

    private static final int BUFFER = 64 * 1024;
    private static final ArrayBlockingQueue<ByteBuffer> BUFFERS = new ArrayBlockingQueue<>(256);
    /** Idle threads wait this long for the next connection before they end. */
    private static final long IDLE_SECONDS = 30;
    private static final ThreadPoolExecutor THREADS = new ThreadPoolExecutor(0, Integer.MAX_VALUE, IDLE_SECONDS,
            TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
                Thread t = new Thread(null, r, "relay", 256 * 1024);
                t.setDaemon(true);
                return t;
            });

    private final SocketChannel a;
    private final SocketChannel b;
    private final Runnable onClose;
    private final AtomicInteger done = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();

    private Relay(SocketChannel a, SocketChannel b, Runnable onClose) {
        this.a = a;
        this.b = b;
        this.onClose = onClose;
    }

    static void start(SocketChannel app, SocketChannel socks, String name, Runnable onClose) {
        Relay r = new Relay(app, socks, onClose);
        thread(name + " up", () -> r.pump(app, socks));
        thread(name + " down", () -> r.pump(socks, app));
    }

    /** Runs {@code body} on a pooled thread named {@code name} while it runs. */
    private static void thread(String name, Runnable body) {
        THREADS.execute(() -> {
            Thread t = Thread.currentThread();
            t.setName(name);
            try {
                body.run();
            } finally {
                t.setName("relay");
            }
        });
    }

    private void pump(SocketChannel from, SocketChannel to) {
        ByteBuffer buf = BUFFERS.poll();
        if (buf == null) {
            buf = ByteBuffer.allocateDirect(BUFFER);
        }
        try {
            while (true) {
                buf.clear();
                int n = from.read(buf);
                if (n < 0) {
                    to.shutdownOutput();
                    break;
                }
                buf.flip();
                while (buf.hasRemaining()) {
                    to.write(buf);
                }
            }
            if (done.incrementAndGet() == 2) {
                close(false);
            }
        } catch (IOException e) {
            close(true);
        } finally {
            BUFFERS.offer(buf);
        }
    }

    private void close(boolean reset) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (reset) {
            abort(a);
            abort(b);
        } else {
            quietClose(a);
            quietClose(b);
        }
        onClose.run();
    }

    /** Closes with SO_LINGER 0: the peer gets a reset instead of a FIN. */
    static void abort(SocketChannel ch) {
        try {
            ch.setOption(StandardSocketOptions.SO_LINGER, 0);
        } catch (IOException | RuntimeException e) {
            // closing anyway
        }
        quietClose(ch);
    }

    static void quietClose(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            // nothing left to do
        }
    }
}
