package dev.alknet.tun;

/** A failure to report to the user as one line ({@code alknet-tun: message}), with an exit code. */
final class TunException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The helper itself failed (the convention of {@code env}, {@code timeout}, {@code chroot}). */
    static final int EXIT_FAILURE = 125;
    static final int EXIT_USAGE = 2;
    static final int EXIT_NOT_FOUND = 127;

    final int exitCode;

    TunException(String message) {
        this(message, EXIT_FAILURE);
    }

    TunException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    TunException(String message, Throwable cause) {
        super(message, cause);
        this.exitCode = EXIT_FAILURE;
    }
}
