package dev.alknet.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.alknet.cli.config.ConfigArgs;
import dev.alknet.cli.config.ConfigException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine;

/**
 * {@code --config FILE} with any bytes in the file, for both commands that take it: the file expands into
 * arguments that picocli parses, or is refused with ConfigException (one line, printed as is by Main) or
 * picocli's ParameterException (UserErrors prints one line). Nothing else escapes, whatever the YAML.
 */
class ConfigFileFuzzTest {

    private static final CommandLine CLI = cli();
    private static final Path FILE = tempFile();

    @FuzzTest(maxDuration = "60s")
    void configFile(byte[] yaml) throws IOException {
        Files.write(FILE, yaml);
        for (String command : new String[] {"serve", "connect"}) {
            ConfigArgs.Expanded expanded;
            try {
                expanded = ConfigArgs.expand(CLI, new String[] {command, "--config", FILE.toString()});
            } catch (ConfigException expected) {
                assertFalse(expected.getMessage().lines().count() > 1
                                || expected.getMessage().chars().anyMatch(Character::isISOControl),
                        "not one clean line: " + expected.getMessage());
                continue;
            }
            try {
                CLI.parseArgs(expanded.args());
            } catch (CommandLine.ParameterException expected) {
                // a bad value: UserErrors prints its first line, blamed on the key
            }
        }
    }

    private static CommandLine cli() {
        CommandLine cli = new CommandLine(new Main());
        cli.registerConverter(Duration.class, Durations::parse);
        return cli;
    }

    private static Path tempFile() {
        try {
            Path p = Files.createTempFile("alknet-fuzz-", ".yaml");
            p.toFile().deleteOnExit();
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
