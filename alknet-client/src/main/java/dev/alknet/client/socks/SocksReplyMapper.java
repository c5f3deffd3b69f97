package dev.alknet.client.socks;

import dev.alknet.core.open.OpenFailure;
import io.netty.handler.codec.socksx.v5.Socks5CommandStatus;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * Turns a failed channel open into the RFC 1928 §6 reply code. Pure functions.
 *
 * <p>SSH carries only a coarse reason code (RFC 4254 §5.1) and a free-text description; which texts mean what is
 * the one table {@link OpenFailure} the server writes them from. Stock MINA replaces every other description with
 * "Generic error while opening channel: N", which maps to 0x01.
 */
public final class SocksReplyMapper {

    private SocksReplyMapper() {
    }

    /** The reply for a failure of the open, whatever its type. */
    public static Socks5CommandStatus forFailure(Throwable failure) {
        return Socks5CommandStatus.valueOf(reasonOf(failure).socks5());
    }

    /** Why the open failed, whatever its type: the SOCKS5, SOCKS4 and HTTP answers all come from this. */
    public static OpenFailure reasonOf(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof dev.alknet.client.forward.dynamic.ExitFailure exit) {
            return exit.reason(); // a dynamic -R connection dialled from here
        }
        OpenFailure refused = OpenFailure.ofOpenFailed(t);
        if (refused != null) {
            return refused;
        }
        if (t instanceof TimeoutException) {
            return OpenFailure.TIMED_OUT; // the server did not answer the open in time
        }
        return OpenFailure.OTHER; // no session (TunnelDownException), session closed, anything else
    }

    /** The reply for an {@code SSH_MSG_CHANNEL_OPEN_FAILURE} with this reason code and description. */
    static Socks5CommandStatus forOpenFailure(int reasonCode, String description) {
        return Socks5CommandStatus.valueOf(OpenFailure.of(reasonCode, description).socks5());
    }
}
