package dev.alknet.server.dial;

import dev.alknet.transport.ConnectErrors;
import io.netty.channel.ConnectTimeoutException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.channels.DatagramChannel;
import java.util.Locale;

/** Classifies the exceptions of a failed connect into a {@link DialException}, in one place. */
public final class DialErrors {

    private DialErrors() {
    }

    public static DialException unknownHost(String host, Throwable cause) {
        return new DialException(DialFailure.UNKNOWN_HOST, "unknown host " + host, cause);
    }

    /** A destination the decision denied (before or after DNS): answered as administratively prohibited. */
    static DialException forbidden() {
        return new DialException(DialFailure.FORBIDDEN, textOf(DialFailure.FORBIDDEN), null);
    }

    /** Returns the first {@link DialException} in the cause chain, or classifies the deepest known exception. */
    public static DialException classify(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof DialException d) {
                return d;
            }
            DialFailure kind = kindOf(t);
            if (kind != null) {
                return new DialException(kind, textOf(kind), failure);
            }
        }
        return new DialException(DialFailure.OTHER, ConnectErrors.reason(failure), failure);
    }

    /**
     * Netty's epoll transport (4.2.17 {@code Errors.newConnectException0}) turns both ENETUNREACH and EHOSTUNREACH
     * into a {@link NoRouteToHostException} without any errno text. For such a failure this asks the routing table
     * instead: a UDP {@code connect()} sends nothing and fails with "Network is unreachable" when no route exists.
     * Returns {@code failure} unchanged when it already tells which one it is, or is something else.
     */
    static Throwable withRoute(Throwable failure, InetSocketAddress target) {
        if (!(failure instanceof NoRouteToHostException) || kindOf(failure) != DialFailure.HOST_UNREACHABLE
                || String.valueOf(failure.getMessage()).toLowerCase(Locale.ROOT).contains("no route to host")) {
            return failure;
        }
        try (DatagramChannel probe = DatagramChannel.open()) {
            probe.connect(target);
        } catch (IOException | RuntimeException e) {
            if (String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("network is unreachable")) {
                return new DialException(DialFailure.NETWORK_UNREACHABLE, textOf(DialFailure.NETWORK_UNREACHABLE),
                        failure);
            }
        }
        return failure;
    }

    private static DialFailure kindOf(Throwable t) {
        if (t instanceof ConnectTimeoutException || t instanceof SocketTimeoutException) {
            return DialFailure.TIMED_OUT;
        }
        if (!(t instanceof SocketException)) {
            return null;
        }
        // Both NIO and Netty's native transport report ENETUNREACH and EHOSTUNREACH with one exception type
        // (epoll: NoRouteToHostException for both; NIO: SocketException vs NoRouteToHostException), and annotate the
        // message with the address, so the errno text is the only reliable discriminator left.
        String text = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
        if (text.contains("connection refused")) {
            return DialFailure.CONNECTION_REFUSED;
        }
        if (text.contains("network is unreachable")) {
            return DialFailure.NETWORK_UNREACHABLE;
        }
        if (t instanceof NoRouteToHostException || text.contains("no route to host")) {
            return DialFailure.HOST_UNREACHABLE;
        }
        if (text.contains("timed out")) {
            return DialFailure.TIMED_OUT;
        }
        return null;
    }

    /** The short text of {@code kind}, from the open-failure table ({@link DialFailure#open()}). */
    static String textOf(DialFailure kind) {
        return kind.open().text();
    }
}
