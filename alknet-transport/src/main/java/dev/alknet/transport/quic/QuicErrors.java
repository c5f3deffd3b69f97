package dev.alknet.transport.quic;

import dev.alknet.transport.ConnectErrors;
import dev.alknet.transport.tls.ClientTls;
import dev.alknet.transport.tls.TlsErrors;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.quic.QuicClosedChannelException;
import io.netty.handler.codec.quic.QuicConnectionCloseEvent;
import java.time.Duration;
import javax.net.ssl.SSLException;

/** One-line reasons for failed QUIC dials. */
final class QuicErrors {

    private static final int TLS_ALERT_PROTOCOL_VERSION = 70;
    private static final int TLS_ALERT_NO_APPLICATION_PROTOCOL = 120;

    private QuicErrors() {
    }

    static String describe(Throwable failure, ClientTls tls, Duration timeout) {
        String refusal = tls.certificateRefusal();
        if (refusal != null) {
            return refusal;
        }
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConnectTimeoutException) {
                return "no QUIC answer within " + seconds(timeout) + " (is UDP blocked?)";
            }
            if (t instanceof QuicClosedChannelException c && c.event() != null) {
                return closed(c.event());
            }
            if (t instanceof SSLException) {
                return tls.describe(t);
            }
        }
        return ConnectErrors.reason(failure);
    }

    private static String closed(QuicConnectionCloseEvent e) {
        if (e.isTlsError()) {
            int alert = QuicConnectionCloseEvent.extractTlsError(e.error());
            return switch (alert) {
                case TLS_ALERT_NO_APPLICATION_PROTOCOL -> TlsErrors.ALPN_REFUSED;
                case TLS_ALERT_PROTOCOL_VERSION -> "server does not support TLS 1.3";
                default -> "server refused the TLS handshake (alert " + alert + ")";
            };
        }
        return "server closed the connection (" + (e.isApplicationClose() ? "application" : "transport")
                + " error 0x" + Integer.toHexString(e.error()) + ")";
    }

    private static String seconds(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }
}
