package dev.alknet.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --config FILE}: declared here so that it shows in help and parses; the file itself is read before
 * parsing by {@link dev.alknet.cli.config.ConfigArgs}, which turns its keys into flags.
 */
final class ConfigOption {

    @Option(names = "--config", paramLabel = "FILE",
            description = "YAML file of flags: keys are the long option names without --, e.g. 'socks: 127.0.0.1:1080',"
                    + " lists for repeatable ones; flags on the command line win.")
    Path config;
}
