package dev.alknet.server.dial;

import java.io.IOException;
import java.util.Objects;

/** A failed dial: a {@link DialFailure} kind plus the one-line reason shown to the SSH client. */
public final class DialException extends IOException {

    private static final long serialVersionUID = 1L;

    private final DialFailure failure;

    public DialException(DialFailure failure, String reason, Throwable cause) {
        super(Objects.requireNonNull(reason, "reason"), cause);
        this.failure = Objects.requireNonNull(failure, "failure");
    }

    public DialFailure failure() {
        return failure;
    }

    /** Lower-case text such as {@code connection refused} or {@code unknown host foo.invalid}. */
    public String reason() {
        return getMessage();
    }
}
