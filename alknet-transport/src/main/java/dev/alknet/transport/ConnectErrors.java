package dev.alknet.transport;

import io.netty.channel.ConnectTimeoutException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;

/** Turns the exceptions of a failed dial into one line a user can act on. */
public final class ConnectErrors {

    private ConnectErrors() {
    }

    public static TransportException describe(Endpoint endpoint, Throwable cause) {
        return new TransportException(endpoint + ": " + reason(cause), cause);
    }

    public static String reason(Throwable cause) {
        Throwable t = cause;
        while (t.getCause() != null && t.getCause() != t && !(t instanceof TransportException)) {
            t = t.getCause();
        }
        if (t instanceof TransportException) {
            return t.getMessage();
        }
        if (t instanceof UnknownHostException) {
            return "unknown host " + t.getMessage();
        }
        if (t instanceof ConnectTimeoutException) {
            return "connection timed out";
        }
        if (t instanceof NoRouteToHostException) {
            return "no route to host";
        }
        String msg = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        if (t instanceof ConnectException && msg.contains("refused")) {
            return "connection refused";
        }
        // Netty's native transport prefixes errno text with the syscall name ("connect(..) failed: ").
        int colon = msg.indexOf("failed: ");
        return (colon >= 0 ? msg.substring(colon + 8) : msg).toLowerCase(java.util.Locale.ROOT);
    }
}
