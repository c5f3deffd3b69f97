package dev.alknet.testkit;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnknownHostException;
import java.time.Duration;

/** Whether a TCP port on 127.0.0.1 accepts, refuses or is free, and bounded waits for a listener to open. */
public final class PortProbe {

    private static final InetAddress LOOPBACK = ipv4Loopback();

    private PortProbe() {
    }

    /** A connection to 127.0.0.1:{@code port} is accepted now. */
    public static boolean accepts(int port) {
        try (Socket s = new Socket(LOOPBACK, port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A connection to 127.0.0.1:{@code port} is refused now (false if accepted; other errors are thrown). */
    public static boolean refuses(int port) throws IOException {
        try (Socket s = new Socket(LOOPBACK, port)) {
            return false;
        } catch (ConnectException e) {
            return true;
        }
    }

    /** A listener could bind 127.0.0.1:{@code port} now (with SO_REUSEADDR, as servers do). */
    public static boolean bindable(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(LOOPBACK, port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Waits until {@code port} accepts; IOException if {@code owner} (may be null) exits first or the limit passes. */
    public static void awaitAccepting(int port, Duration limit, Process owner) throws IOException, InterruptedException {
        boolean open = Eventually.within(limit, () -> {
            if (owner != null && !owner.isAlive()) {
                throw new IOException("process exited with " + owner.exitValue() + " before port " + port + " opened");
            }
            return accepts(port);
        });
        if (!open) {
            throw new IOException("port " + port + " did not open within " + limit);
        }
    }

    private static InetAddress ipv4Loopback() {
        try {
            return InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
