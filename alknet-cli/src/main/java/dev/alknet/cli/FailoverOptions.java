package dev.alknet.cli;

import java.time.Duration;
import picocli.CommandLine.Option;

/** How {@code connect} moves between several servers. */
final class FailoverOptions {

    @Option(names = "--failback-interval", paramLabel = "DURATION", defaultValue = "60s",
            description = "With several servers: while on a later one, check the earlier ones this often and move back "
                    + "when one answers and no stream is open; 0: only at the next reconnect (default: ${DEFAULT-VALUE}).")
    Duration failbackInterval;
}
