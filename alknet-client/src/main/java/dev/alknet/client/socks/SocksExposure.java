package dev.alknet.client.socks;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Optional;

/** Whether a proxy listener is open to other hosts without a password, and the warning to print then. */
public final class SocksExposure {

    private SocksExposure() {
    }

    /** The warning for a listener bound to {@code bound}, or empty if it is loopback-only or needs credentials. */
    public static Optional<String> warning(InetSocketAddress bound, boolean credentialsRequired) {
        InetAddress ip = bound.getAddress();
        if (credentialsRequired || ip == null || ip.isLoopbackAddress()) {
            return Optional.empty();
        }
        String where = ip.isAnyLocalAddress() ? "every interface" : ip.getHostAddress();
        return Optional.of("warning: the proxy on " + where + " port " + bound.getPort()
                + " accepts anyone who can reach it (SOCKS, HTTP and UDP, into your tunnel): set --socks-user and"
                + " --socks-password-file, or bind to 127.0.0.1");
    }
}
