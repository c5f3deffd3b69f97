package dev.alknet.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Test peers for the forward, keepalive, reconnect and drain tests: a relay that can play dead, a slow source. */
final class ForwardFixtures {

    private ForwardFixtures() {
    }

    /** Runs the real curl against a plain URL (no proxy); returns curl's exit code. */
    static int curl(String url, Path out) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("curl", "-sS", "-g", "--max-time", "30", "-o", out.toString(), url)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(40, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("curl did not finish: " + url);
        }
        return p.exitValue();
    }

    /** The first group of {@code regex} in the first stderr line of {@code proc} that matches, waiting up to 20 s. */
    static String awaitGroup(Cli.Running proc, String regex) throws IOException, InterruptedException {
        Pattern p = Pattern.compile(regex);
        String line = proc.awaitLine(l -> p.matcher(l).find(), java.time.Duration.ofSeconds(20));
        Matcher m = p.matcher(line);
        m.find();
        return m.group(1);
    }

    static long count(Cli.Running proc, String fragment) {
        return proc.stderrText().lines().filter(l -> l.contains(fragment)).count();
    }

    /**
     * A TCP relay in front of a port that can play dead: while frozen it forwards nothing and closes nothing
     * (bytes and FINs are swallowed, new connections are accepted and ignored), like a peer whose machine
     * vanished. {@link #thaw()} drops the frozen connections and relays new ones again.
     */
    static final class FreezingRelay implements AutoCloseable {
        private final ServerSocket listener;
        private final int target;
        private final List<Socket> sockets = new ArrayList<>();
        private volatile boolean frozen;
        final AtomicInteger accepted = new AtomicInteger();

        FreezingRelay(int targetPort) throws IOException {
            target = targetPort;
            listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            E2e.daemon("freezing-relay-accept", this::acceptLoop);
        }

        int port() {
            return listener.getLocalPort();
        }

        void freeze() {
            frozen = true;
        }

        void thaw() {
            synchronized (sockets) {
                sockets.forEach(E2e::closeQuietly);
                sockets.clear();
            }
            frozen = false;
        }

        private void acceptLoop() {
            while (!listener.isClosed()) {
                try {
                    Socket in = listener.accept();
                    accepted.incrementAndGet();
                    track(in);
                    if (frozen) {
                        E2e.daemon("relay-sink", () -> pump(in, null));
                        continue;
                    }
                    Socket out = new Socket(InetAddress.getLoopbackAddress(), target);
                    track(out);
                    E2e.daemon("relay-up", () -> pump(in, out));
                    E2e.daemon("relay-down", () -> pump(out, in));
                } catch (IOException e) {
                    if (listener.isClosed()) {
                        return;
                    }
                }
            }
        }

        private void track(Socket s) {
            synchronized (sockets) {
                sockets.add(s);
            }
        }

        private void pump(Socket from, Socket to) {
            byte[] buf = new byte[32 * 1024];
            try {
                InputStream in = from.getInputStream();
                int n;
                while ((n = in.read(buf)) >= 0) {
                    if (!frozen && to != null) {
                        to.getOutputStream().write(buf, 0, n);
                    }
                }
                if (!frozen && to != null) {
                    to.shutdownOutput();
                }
            } catch (IOException e) {
                if (!frozen) {
                    E2e.closeQuietly(from);
                    if (to != null) {
                        E2e.closeQuietly(to);
                    }
                }
            }
        }

        @Override
        public void close() throws IOException {
            listener.close();
            thaw();
        }
    }

    /**
     * Sends {@code total} bytes per connection in 4 KiB steps every {@code stepMillis}, then closes: a stream
     * that is still running when a drain starts. Byte i is {@code (byte) i}.
     */
    static final class TrickleServer implements AutoCloseable {
        private final ServerSocket listener;

        TrickleServer(int total, long stepMillis) throws IOException {
            listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            E2e.daemon("trickle-accept", () -> {
                while (!listener.isClosed()) {
                    try {
                        Socket s = listener.accept();
                        E2e.daemon("trickle", () -> send(s, total, stepMillis));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        int port() {
            return listener.getLocalPort();
        }

        private static void send(Socket s, int total, long stepMillis) {
            try (s) {
                OutputStream out = s.getOutputStream();
                byte[] chunk = new byte[4096];
                for (int sent = 0; sent < total; ) {
                    int n = Math.min(chunk.length, total - sent);
                    for (int i = 0; i < n; i++) {
                        chunk[i] = (byte) (sent + i);
                    }
                    out.write(chunk, 0, n);
                    out.flush();
                    sent += n;
                    Thread.sleep(stepMillis); // pacing: a trickle is what this server is for
                }
            } catch (IOException | InterruptedException e) {
                // the test cut the stream
            }
        }

        @Override
        public void close() throws IOException {
            listener.close();
        }
    }
}
