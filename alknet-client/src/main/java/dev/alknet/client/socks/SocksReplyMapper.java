package dev.alknet.client.socks;

import io.netty.handler.codec.socksx.v5.Socks5CommandStatus;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.exception.SshChannelOpenException;

/**
 * Turns a failed channel open into the RFC 1928 §6 reply code. Pure functions.
 *
 * <p>SSH carries only a coarse reason code (RFC 4254 §5.1) and a free-text description; for
 * {@code SSH_OPEN_CONNECT_FAILED} and anything unknown the description is the only hint. Texts recognised:
 * alknet-server's ("connect failed: connection refused", "... unknown host x"), OpenSSH's (strerror /
 * gai_strerror texts such as "Connection refused", "Name or service not known") and stock MINA's
 * ("UnresolvedAddressException while opening channel: ..."). Stock MINA replaces every other description
 * with "Generic error while opening channel: N", which maps to 0x01.
 */
public final class SocksReplyMapper {

    // Checked first: a description naming the host ("unknown host refused.example") must not match below.
    private static final String[] HOST_UNREACHABLE = {
        "no route to host", "host unreachable", "host is unreachable", "unknown host", "name or service not known",
        "nodename nor servname", "no address associated", "temporary failure in name resolution",
        "could not resolve", "unresolved",
    };
    private static final String[] NETWORK_UNREACHABLE = {"network is unreachable", "network unreachable"};
    /** alknet-server's text when its {@code --outbound-proxy} is down (docs/adr/0012). */
    private static final String PROXY_DOWN = "outbound proxy unavailable";
    private static final String[] TIMED_OUT = {"timed out", "timeout"};

    private SocksReplyMapper() {
    }

    /** The reply for a failure of the open, whatever its type. */
    public static Socks5CommandStatus forFailure(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof SshChannelOpenException open) {
            return forOpenFailure(open.getReasonCode(), open.getMessage());
        }
        if (t instanceof TimeoutException) {
            return Socks5CommandStatus.TTL_EXPIRED; // the server did not answer the open in time
        }
        return Socks5CommandStatus.FAILURE; // no session (TunnelDownException), session closed, anything else
    }

    /** The reply for an {@code SSH_MSG_CHANNEL_OPEN_FAILURE} with this reason code and description. */
    static Socks5CommandStatus forOpenFailure(int reasonCode, String description) {
        if (reasonCode == SshConstants.SSH_OPEN_ADMINISTRATIVELY_PROHIBITED) {
            return Socks5CommandStatus.FORBIDDEN;
        }
        if (reasonCode == SshConstants.SSH_OPEN_UNKNOWN_CHANNEL_TYPE) {
            return Socks5CommandStatus.COMMAND_UNSUPPORTED;
        }
        String text = description == null ? "" : description.toLowerCase(Locale.ROOT);
        if (text.contains(PROXY_DOWN)) {
            return Socks5CommandStatus.FAILURE; // the server's outbound proxy, not the target: whatever the reason
        }
        if (containsAny(text, HOST_UNREACHABLE)) {
            return Socks5CommandStatus.HOST_UNREACHABLE;
        }
        if (text.contains("refused")) {
            return Socks5CommandStatus.CONNECTION_REFUSED;
        }
        if (containsAny(text, TIMED_OUT)) {
            return Socks5CommandStatus.TTL_EXPIRED;
        }
        if (containsAny(text, NETWORK_UNREACHABLE)) {
            return Socks5CommandStatus.NETWORK_UNREACHABLE;
        }
        return Socks5CommandStatus.FAILURE;
    }

    private static boolean containsAny(String text, String[] needles) {
        for (String n : needles) {
            if (text.contains(n)) {
                return true;
            }
        }
        return false;
    }
}
