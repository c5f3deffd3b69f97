package dev.alknet.client.forward.dynamic;

import dev.alknet.core.open.OpenFailure;
import java.io.IOException;

/** Why a dynamic {@code -R} CONNECT could not leave this machine; the proxy dialects answer {@link #reason()}. */
public final class ExitFailure extends IOException {

    private final OpenFailure reason;

    public ExitFailure(OpenFailure reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public OpenFailure reason() {
        return reason;
    }
}
