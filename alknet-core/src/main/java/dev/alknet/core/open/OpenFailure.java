package dev.alknet.core.open;

import java.util.List;
import java.util.Locale;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.exception.SshChannelOpenException;

/**
 * Why a channel open failed: the one table both ends use (docs/adr/0004). The server answers
 * SSH_MSG_CHANNEL_OPEN_FAILURE with {@link #sshReason()} and {@link #description(String)}; the client reads them back
 * with {@link #of(int, String)} and answers its own client with {@link #socks5()}, {@link #socks4()} or
 * {@link #httpStatus()}. SSH carries only four reason codes (RFC 4254 §5.1), so the detail travels in the text: the
 * texts here are on the wire and older clients match them, so they never change.
 *
 * <p>The constants are in the order descriptions are matched, first match wins: a description naming the host
 * ("unknown host refused.example") must be read as unknown host before "refused" is looked for. Besides alknet's own
 * texts the table knows OpenSSH's (strerror / gai_strerror such as "Connection refused", "Name or service not known")
 * and stock MINA's ("UnresolvedAddressException while opening channel: ..."), so it holds against a stock sshd.
 */
public enum OpenFailure {

    /** Denied by the server's destination policy, its drain, or the login key's options. */
    FORBIDDEN(SshConstants.SSH_OPEN_ADMINISTRATIVELY_PROHIBITED, "forbidden by server policy", 0x02, 403),
    /** The server does not know the channel type (an old server asked for UDP, say). */
    UNSUPPORTED(SshConstants.SSH_OPEN_UNKNOWN_CHANNEL_TYPE, "unknown channel type", 0x07, 501),
    /** The server's {@code --outbound-proxy} is down: the proxy, not the target, so a general failure. */
    PROXY_DOWN(SshConstants.SSH_OPEN_CONNECT_FAILED, "outbound proxy unavailable", 0x01, 502),
    HOST_UNREACHABLE(SshConstants.SSH_OPEN_CONNECT_FAILED, "no route to host", 0x04, 502,
            "host unreachable", "host is unreachable"),
    UNKNOWN_HOST(SshConstants.SSH_OPEN_CONNECT_FAILED, "unknown host", 0x04, 502,
            "name or service not known", "nodename nor servname", "no address associated",
            "temporary failure in name resolution", "could not resolve", "unresolved"),
    CONNECTION_REFUSED(SshConstants.SSH_OPEN_CONNECT_FAILED, "connection refused", 0x05, 502, "refused"),
    TIMED_OUT(SshConstants.SSH_OPEN_CONNECT_FAILED, "connection timed out", 0x06, 504, "timed out", "timeout"),
    NETWORK_UNREACHABLE(SshConstants.SSH_OPEN_CONNECT_FAILED, "network is unreachable", 0x03, 502,
            "network unreachable"),
    /** Anything else: no session, an unknown reason, a text nobody recognises. */
    OTHER(SshConstants.SSH_OPEN_CONNECT_FAILED, "connect failed", 0x01, 502);

    /** The prefix of every {@code SSH_OPEN_CONNECT_FAILED} description alknet-server sends. */
    public static final String CONNECT_FAILED = "connect failed: ";
    /** SOCKS4 has one failure code (0x5B, request rejected or failed). */
    private static final int SOCKS4_REJECTED = 0x5B;

    private final int sshReason;
    private final String text;
    private final byte socks5;
    private final int httpStatus;
    /** Lower-case texts that mean this reason; {@link #text} first. */
    private final List<String> recognised;

    OpenFailure(int sshReason, String text, int socks5, int httpStatus, String... alsoRecognised) {
        this.sshReason = sshReason;
        this.text = text;
        this.socks5 = (byte) socks5;
        this.httpStatus = httpStatus;
        String[] all = new String[alsoRecognised.length + 1];
        all[0] = text;
        System.arraycopy(alsoRecognised, 0, all, 1, alsoRecognised.length);
        this.recognised = List.of(all);
    }

    /** The RFC 4254 §5.1 reason code the server sends. */
    public int sshReason() {
        return sshReason;
    }

    /** The short lower-case text, e.g. {@code connection refused}. */
    public String text() {
        return text;
    }

    /**
     * The description the server sends: {@code forbidden by server policy} as is (the reason code says it all);
     * every connect failure as {@code connect failed: } + {@code detail}, e.g. "connect failed: unknown host x".
     */
    public String description(String detail) {
        return sshReason == SshConstants.SSH_OPEN_CONNECT_FAILED ? CONNECT_FAILED + detail : text;
    }

    /** The RFC 1928 §6 reply code. */
    public byte socks5() {
        return socks5;
    }

    /** The SOCKS4 reply code (one for every failure). */
    public int socks4() {
        return SOCKS4_REJECTED;
    }

    /** The status of the HTTP proxy's answer to a CONNECT or a forwarded request. */
    public int httpStatus() {
        return httpStatus;
    }

    /** Reads an {@code SSH_MSG_CHANNEL_OPEN_FAILURE} back: the reason code first, then the description's text. */
    public static OpenFailure of(int sshReason, String description) {
        if (sshReason == FORBIDDEN.sshReason) {
            return FORBIDDEN;
        }
        if (sshReason == UNSUPPORTED.sshReason) {
            return UNSUPPORTED;
        }
        String lower = description == null ? "" : description.toLowerCase(Locale.ROOT);
        for (OpenFailure f : values()) {
            if (f.sshReason == SshConstants.SSH_OPEN_CONNECT_FAILED && f != OTHER && f.recognisedIn(lower)) {
                return f;
            }
        }
        return OTHER;
    }

    /**
     * Reads the peer's {@code SSH_MSG_CHANNEL_OPEN_FAILURE} back from what a channel open failed with, if that is
     * what it failed with; null for anything else (no session, a timeout, the session closing).
     */
    public static OpenFailure ofOpenFailed(Throwable failure) {
        return failure instanceof SshChannelOpenException open ? of(open.getReasonCode(), open.getMessage()) : null;
    }

    /** The first reason answered with this SOCKS5 code, or {@link #OTHER} (what an HTTP proxy answers instead). */
    public static OpenFailure forSocks5(byte code) {
        for (OpenFailure f : values()) {
            if (f.socks5 == code) {
                return f;
            }
        }
        return OTHER;
    }

    private boolean recognisedIn(String lower) {
        for (String r : recognised) {
            if (lower.contains(r)) {
                return true;
            }
        }
        return false;
    }
}
