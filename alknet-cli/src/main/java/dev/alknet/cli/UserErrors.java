package dev.alknet.cli;

import dev.alknet.cli.config.ConfigArgs;
import java.io.IOException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Turns every failure into one line on stderr and a non-zero exit: 2 for a bad command line, 1 for
 * anything else. A stack trace only with {@code ALKNET_DEBUG=1}, and only for what is not a user mistake.
 */
final class UserErrors implements IExecutionExceptionHandler, IParameterExceptionHandler {

    private final ConfigArgs.Expanded config;

    UserErrors(ConfigArgs.Expanded config) {
        this.config = config;
    }

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        String blame = "";
        if (ex.getArgSpec() != null) {
            blame = config.blame(ex.getArgSpec().isOption()
                    ? ((picocli.CommandLine.Model.OptionSpec) ex.getArgSpec()).longestName()
                    : ex.getArgSpec().paramLabel());
        }
        cmd.getErr().println("alknet: " + blame + firstLine(conversionMessage(ex)));
        cmd.getErr().println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help'.");
        return 2;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parsed) {
        Throwable t = ex;
        if (t instanceof CommandLine.ExecutionException && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof java.io.UncheckedIOException && t.getCause() != null) {
            // Keep a message that adds context (e.g. "SOCKS listener /127.0.0.1:1080: ... in use"), drop the default one.
            String own = t.getMessage();
            t = own == null || own.equals(t.getCause().toString()) ? t.getCause() : new IOException(own, t.getCause());
        }
        boolean userMistake = t instanceof IllegalArgumentException || t instanceof IOException;
        String msg = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        cmd.getErr().println("alknet: " + (userMistake ? "" : "internal error: ") + firstLine(msg));
        if (!userMistake && "1".equals(System.getenv("ALKNET_DEBUG"))) {
            t.printStackTrace(cmd.getErr());
        }
        return 1;
    }

    /** "invalid --heartbeat: bad duration 'soon' (...)" rather than picocli's text naming Java exception classes. */
    private static String conversionMessage(ParameterException ex) {
        Throwable cause = ex.getCause();
        while (cause != null && !(cause instanceof IllegalArgumentException) && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        if (cause == null || cause.getMessage() == null || ex.getArgSpec() == null) {
            return ex.getMessage();
        }
        String name = ex.getArgSpec().isOption()
                ? ((picocli.CommandLine.Model.OptionSpec) ex.getArgSpec()).longestName() : ex.getArgSpec().paramLabel();
        return "invalid " + name + ": " + cause.getMessage();
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
