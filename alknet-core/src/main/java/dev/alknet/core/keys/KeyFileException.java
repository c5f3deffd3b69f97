package dev.alknet.core.keys;

import java.io.IOException;

/** A key file is missing, unreadable or malformed; the message is one line for the user. */
public class KeyFileException extends IOException {
    public KeyFileException(String message) {
        super(message);
    }

    public KeyFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
