package dev.alknet.transport;

import java.io.IOException;

/** A transport could not connect or listen; the message is one line meant for the user. */
public class TransportException extends IOException {
    public TransportException(String message) {
        super(message);
    }

    public TransportException(String message, Throwable cause) {
        super(message, cause);
    }
}
