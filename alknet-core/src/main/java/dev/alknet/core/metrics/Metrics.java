package dev.alknet.core.metrics;

/**
 * What alknet counts, for operators (docs/operator-guide.md, "Metrics"). Every method is cheap and never throws;
 * the default is {@link #NOOP}, so embedding programs and tests need nothing. The CLI installs a Prometheus-backed
 * one with {@link AlknetMetrics#install(Metrics)} when {@code --metrics} is given.
 */
public interface Metrics {

    Metrics NOOP = new Metrics() {
    };

    /** An SSH session came up (client: the tunnel; server: a logged-in client). */
    default void sessionOpened() {
    }

    default void sessionClosed() {
    }

    /** Client: the tunnel came up again after it was lost. */
    default void reconnected() {
    }

    /** An SSH channel (a SOCKS or forwarded stream) was opened / closed. */
    default void channelOpened() {
    }

    default void channelClosed() {
    }

    /** Bytes carried by the transport (SSH wire bytes, so including encryption overhead). */
    default void bytesReceived(long n) {
    }

    default void bytesSent(long n) {
    }

    /** Client: the answer to a proxy request, as its SOCKS5 reply code (RFC 1928 §6; 0 = succeeded). */
    default void socksReply(int code) {
    }

    /** Server: a public key or login was refused. */
    default void authFailed() {
    }

    /** Client: time from sending a channel open to the server's confirmation. */
    default void channelOpenLatency(long nanos) {
    }
}
