package dev.alknet.transport.proxy;

import dev.alknet.transport.ConnectErrors;
import io.netty.handler.proxy.ProxyConnectException;
import java.net.UnknownHostException;

/** Turns a failed dial through a {@link ViaProxy} into one line that names the proxy. */
public final class ProxyFailures {

    private ProxyFailures() {
    }

    /** {@code "proxy socks5://h:p: <reason>"}. */
    public static String describe(ViaProxy via, Throwable cause, long timeoutMillis) {
        return "proxy " + via + ": " + reason(cause, timeoutMillis);
    }

    private static String reason(Throwable cause, long timeoutMillis) {
        Throwable t = cause;
        while (t != null && !(t instanceof ProxyConnectException) && t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        if (t instanceof ProxyConnectException p && p.getCause() != null && p.getCause() != p) {
            return ConnectErrors.reason(p.getCause());
        }
        if (t instanceof ProxyConnectException p && p.getMessage() != null && p.getMessage().contains(" => ")) {
            // Netty's message: "<protocol>, <auth>, <proxy> => <destination>[, <what went wrong>]"
            String msg = p.getMessage();
            int arrow = msg.indexOf(" => ");
            int comma = msg.indexOf(", ", arrow);
            String what = comma < 0 ? "" : msg.substring(comma + 2);
            if (what.equals("timeout")) {
                return "no answer within " + seconds(timeoutMillis);
            }
            if (what.equals("disconnected")) {
                return "closed the connection during the proxy handshake";
            }
            if (what.startsWith("authStatus") || what.startsWith("privateAuthStatus")
                    || what.startsWith("unexpected authMethod")) {
                return "authentication failed (" + what + ")";
            }
            if (what.startsWith("status: 407")) {
                return "authentication required or rejected (" + what.substring(8) + ")";
            }
            if (what.startsWith("status: ")) {
                return "refused to connect to the target (" + what.substring(8) + ")";
            }
            return what.isEmpty() ? "proxy handshake failed" : what;
        }
        if (t instanceof UnknownHostException) {
            return "unknown host " + t.getMessage();
        }
        return ConnectErrors.reason(cause);
    }

    private static String seconds(long millis) {
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }
}
