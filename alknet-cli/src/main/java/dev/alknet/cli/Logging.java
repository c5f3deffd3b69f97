package dev.alknet.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import java.util.List;
import java.util.Locale;
import org.slf4j.LoggerFactory;

/** Applies {@link LoggingOptions} to logback (text by default from logback.xml; JSON built here). */
final class Logging {

    /** Loggers whose debug lines name users' destinations (SOCKS targets, forwards, the server's dials). */
    static final List<String> DESTINATION_LOGGERS = List.of("dev.alknet.client.socks", "dev.alknet.client.forward",
            "dev.alknet.server.dial", "dev.alknet.server.udp", "dev.alknet.server.forward");

    private Logging() {
    }

    /** Reads the logging flags from the (config-expanded) arguments; a bad value is left for picocli to report. */
    static void apply(String[] args) {
        String format = value(args, "--log-format");
        String level = value(args, "--log-level");
        boolean destinations = List.of(args).contains("--log-destinations");
        if (format == null && level == null) {
            return; // logback.xml as it is, initialised when the first logger is made
        }
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
            return; // another SLF4J backend (an embedding program's): leave it alone
        }
        Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
        if (level != null && List.of("error", "warn", "info", "debug", "trace").contains(level.toLowerCase(Locale.ROOT))) {
            Level l = Level.toLevel(level, Level.INFO);
            root.setLevel(l);
            if (!destinations && !l.isGreaterOrEqual(Level.INFO)) {
                DESTINATION_LOGGERS.forEach(n -> ctx.getLogger(n).setLevel(Level.INFO));
            }
        }
        if ("json".equalsIgnoreCase(format)) {
            JsonEncoder encoder = new JsonEncoder();
            encoder.setContext(ctx);
            encoder.setWithSequenceNumber(false);
            encoder.setWithNanoseconds(false);
            encoder.setWithContext(false);
            encoder.setWithArguments(false);
            encoder.setWithMessage(false); // the formatted message instead of pattern + arguments
            encoder.setWithFormattedMessage(true);
            encoder.setWithMDC(false);
            encoder.setWithThreadName(false);
            encoder.start();
            ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
            appender.setContext(ctx);
            appender.setName("JSON");
            appender.setTarget("System.err");
            appender.setEncoder(encoder);
            appender.start();
            root.detachAndStopAllAppenders();
            root.addAppender(appender);
        }
    }

    /** Root logger to WARN: for commands whose own output says it all ({@code doctor}). */
    static void warnOnly() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx) {
            ctx.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.WARN);
        }
    }

    private static String value(String[] args, String name) {
        String found = null;
        for (int i = 0; i < args.length; i++) {
            if ("--".equals(args[i])) {
                break;
            }
            if (args[i].equals(name) && i + 1 < args.length) {
                found = args[i + 1];
            } else if (args[i].startsWith(name + "=")) {
                found = args[i].substring(name.length() + 1);
            }
        }
        return found;
    }
}
