package dev.alknet.cli;

import dev.alknet.cli.config.ConfigArgs;
import dev.alknet.cli.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code alknet} command. */
@Command(name = "alknet", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "SSH tunnel client and server with a local SOCKS5h proxy.",
        subcommands = {KeygenCommand.class, ServeCommand.class, ConnectCommand.class, StatusCommand.class, DoctorCommand.class,
                DemoCommand.class, CompletionCommand.class,
                CommandLine.HelpCommand.class},
        footer = {"", "Examples:",
                "  alknet keygen",
                "  alknet serve --listen tcp://0.0.0.0:2222",
                "  alknet connect tcp://server.example:2222 --socks 127.0.0.1:1080",
                "  curl --socks5-hostname 127.0.0.1:1080 https://example.com"})
public final class Main {

    public static void main(String[] args) {
        if (args.length > 0 && !args[0].startsWith("-") && !"help".equals(args[0])) {
            // Logging first, on this thread: SLF4J initialised from two threads at once replays the early calls
            // with a warning on stderr, which breaks "one line for a user mistake".
            org.slf4j.LoggerFactory.getILoggerFactory();
            dev.alknet.core.config.CryptoWarmup.startInBackground();
        }
        System.exit(run(args));
    }

    public static int run(String... args) {
        return run(null, null, args);
    }

    /** As {@link #run(String...)}, with output and errors written to {@code out} and {@code err} (null: std ones). */
    static int run(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new Main());
        if (out != null) {
            cli.setOut(out);
        }
        if (err != null) {
            cli.setErr(err);
        }
        cli.registerConverter(java.time.Duration.class, Durations::parse);
        ConfigArgs.Expanded expanded;
        try {
            expanded = ConfigArgs.expand(cli, args);
        } catch (ConfigException e) {
            cli.getErr().println("alknet: " + e.getMessage());
            return 2;
        }
        Logging.apply(expanded.args());
        UserErrors errors = new UserErrors(expanded);
        cli.setExecutionExceptionHandler(errors);
        cli.setParameterExceptionHandler(errors);
        return cli.execute(expanded.args());
    }
}
