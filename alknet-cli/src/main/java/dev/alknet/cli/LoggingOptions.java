package dev.alknet.cli;

import picocli.CommandLine.Option;

/**
 * Logging flags of serve and connect. Declared here for help, completion and {@code --config}; they take effect in
 * {@link Logging#apply(String[])}, before the command runs, so that the first log line is already in the right form.
 */
final class LoggingOptions {

    @Option(names = "--log-format", paramLabel = "FORMAT", defaultValue = "text",
            description = "text (readable) or json (one JSON object per line) (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "info",
            description = "error, warn, info or debug (default: ${DEFAULT-VALUE}).")
    String level;

    @Option(names = "--log-destinations",
            description = "Allow log lines that name the hosts users connect to (debug level of the proxy, forward and "
                    + "dial code); without it those stay at info, which names none.")
    boolean destinations;
}
