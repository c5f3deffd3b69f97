package dev.alknet.server.dial;

import dev.alknet.transport.ConnectErrors;
import dev.alknet.transport.proxy.ProxyConnect;

/**
 * Maps a failed dial through the outbound proxy to a {@link DialException} whose text the client turns into the
 * matching SOCKS reply (docs/adr/0012): the upstream SOCKS5 reply code passes through; an HTTP proxy's status is
 * mapped (403 → forbidden, 404 → host unreachable, 502/503 → refused, 504 → timed out); a proxy that cannot be reached,
 * hangs up or answers unexpectedly is {@link DialFailure#PROXY_DOWN}, a general failure (0x01).
 */
final class ProxyDialErrors {

    private ProxyDialErrors() {
    }

    static DialException classify(OutboundProxy proxy, Throwable failure) {
        if (failure instanceof DialException d) {
            return d;
        }
        if (!(failure instanceof ProxyConnect.Failure f)) {
            return down(proxy, ConnectErrors.reason(failure), failure);
        }
        Throwable cause = f.getCause();
        if (f.proxyUnreachable()) {
            return down(proxy, ConnectErrors.reason(cause), failure);
        }
        if (ProxyConnect.timedOut(cause)) {
            return new DialException(DialFailure.TIMED_OUT, "connection timed out (outbound proxy)", failure);
        }
        int socks = ProxyConnect.socksStatus(cause);
        if (socks >= 0) {
            return switch (socks) {
                case 2 -> new DialException(DialFailure.FORBIDDEN, "forbidden by outbound proxy", failure);
                case 3 -> of(DialFailure.NETWORK_UNREACHABLE, failure);
                case 4 -> of(DialFailure.HOST_UNREACHABLE, failure);
                case 5 -> of(DialFailure.CONNECTION_REFUSED, failure);
                case 6 -> of(DialFailure.TIMED_OUT, failure);
                default -> new DialException(DialFailure.OTHER, "outbound proxy failed (SOCKS reply " + socks + ")",
                        failure);
            };
        }
        int http = ProxyConnect.httpStatus(cause);
        if (http == 407) {
            return down(proxy, "authentication required or rejected", failure);
        }
        if (http >= 0) {
            return switch (http) {
                case 403 -> new DialException(DialFailure.FORBIDDEN, "forbidden by outbound proxy", failure);
                case 404 -> of(DialFailure.HOST_UNREACHABLE, failure);
                case 502, 503 -> of(DialFailure.CONNECTION_REFUSED, failure);
                case 504 -> of(DialFailure.TIMED_OUT, failure);
                default -> new DialException(DialFailure.OTHER, "outbound proxy failed (HTTP " + http + ")", failure);
            };
        }
        return down(proxy, "handshake failed", failure);
    }

    private static DialException of(DialFailure kind, Throwable cause) {
        return new DialException(kind, DialErrors.textOf(kind) + " (outbound proxy)", cause);
    }

    /** The client maps the "outbound proxy unavailable" prefix to general failure, whatever follows. */
    private static DialException down(OutboundProxy proxy, String why, Throwable cause) {
        return new DialException(DialFailure.PROXY_DOWN, "outbound proxy unavailable: " + proxy + " (" + why + ")",
                cause);
    }
}
