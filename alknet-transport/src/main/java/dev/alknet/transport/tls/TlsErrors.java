package dev.alknet.transport.tls;

import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.util.Locale;

/** One-line reasons for failed TLS handshakes, shared by tls and quic. */
public final class TlsErrors {

    public static final String ALPN_REFUSED = "server does not speak alknet (ALPN refused)";

    private TlsErrors() {
    }

    public static String describe(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof NotSslRecordException) {
                return "server did not answer with TLS (wrong port or transport?)";
            }
            if (t instanceof SslHandshakeTimeoutException) {
                return "TLS handshake timed out";
            }
            String m = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
            if (m.contains("no_application_protocol") || m.contains("application protocol")) {
                return ALPN_REFUSED;
            }
            if (m.contains("protocol_version") || m.contains("no appropriate protocol")
                    || m.contains("protocol version")) {
                return "server does not support TLS 1.3";
            }
        }
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ClosedChannelException || String.valueOf(t.getMessage()).contains("closed")) {
                return "connection closed during the TLS handshake";
            }
        }
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String msg = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return "TLS handshake failed: " + msg;
    }
}
