package dev.alknet.client;

import java.io.IOException;

/**
 * One failed attempt to bring the tunnel up, with a one-line reason. {@link #permanent()} failures (key
 * refused, host key mismatch) stop the reconnect loop: retrying cannot fix them and would hammer the server.
 */
public class ConnectFailure extends IOException {

    private final boolean permanent;

    public ConnectFailure(String message, boolean permanent, Throwable cause) {
        super(message, cause);
        this.permanent = permanent;
    }

    public boolean permanent() {
        return permanent;
    }
}
