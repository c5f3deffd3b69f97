package dev.alknet.cli;

/** The {@code --io-threads} value, checked with the option's name in the error. */
final class IoThreads {

    private IoThreads() {
    }

    static int check(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("--io-threads must be at least 1, not " + n);
        }
        return n;
    }
}
