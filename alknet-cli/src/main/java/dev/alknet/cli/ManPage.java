package dev.alknet.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Writes man pages (troff) at build time, so they never drift from {@code --help}: {@code alknet(1)} from the
 * picocli model of {@link Main} (every command, its options and their descriptions, as {@code --help} renders
 * them), and, with {@code --from-usage NAME SECTION VERSION OUT}, a page from a usage text on stdin (alknet-tun
 * has no picocli model; its page is its {@code --help}).
 */
public final class ManPage {

    private ManPage() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length == 1) {
            Files.writeString(Path.of(args[0]), alknet(), StandardCharsets.UTF_8);
        } else if (args.length == 5 && args[0].equals("--from-usage")) {
            try (InputStream in = System.in) {
                String usage = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                Files.writeString(Path.of(args[4]), fromUsage(args[1], args[2], args[3], usage), StandardCharsets.UTF_8);
            }
        } else {
            System.err.println("usage: ManPage OUT | ManPage --from-usage NAME SECTION VERSION OUT < usage.txt");
            System.exit(2);
        }
    }

    /** alknet(1): the root command, then one section per subcommand. */
    static String alknet() {
        CommandLine root = new CommandLine(new Main());
        root.registerConverter(java.time.Duration.class, Durations::parse);
        CommandSpec spec = root.getCommandSpec();
        StringBuilder out = new StringBuilder();
        header(out, "alknet", "1", Version.build().getProperty("version", "dev"), "User Commands");
        out.append(".SH NAME\nalknet \\- ").append(esc(String.join(" ", spec.usageMessage().description()))).append('\n');
        out.append(".SH SYNOPSIS\n.B alknet\n[\\fIOPTIONS\\fR] \\fICOMMAND\\fR [\\fIARGS\\fR]\n");
        out.append(".SH OPTIONS\n");
        options(out, spec);
        out.append(".SH COMMANDS\n");
        for (Map.Entry<String, CommandLine> e : spec.subcommands().entrySet()) {
            CommandSpec sub = e.getValue().getCommandSpec();
            if (sub.usageMessage().hidden() || !e.getKey().equals(sub.name())) {
                continue; // aliases appear once, under their name
            }
            out.append(".SS alknet ").append(esc(sub.name())).append('\n');
            out.append(esc(String.join(" ", sub.usageMessage().description()))).append("\n.PP\n");
            out.append(".nf\n").append(esc(synopsis(e.getValue()))).append(".fi\n");
            for (PositionalParamSpec p : sub.positionalParameters()) {
                if (!p.hidden()) {
                    out.append(".TP\n\\fI").append(esc(p.paramLabel())).append("\\fR\n")
                            .append(esc(String.join(" ", p.description()))).append('\n');
                }
            }
            options(out, sub);
            footer(out, sub.usageMessage().footer());
        }
        out.append(".SH EXAMPLES\n");
        footer(out, spec.usageMessage().footer());
        out.append(".SH SEE ALSO\n.BR alknet-tun (8)\n");
        return out.toString();
    }

    private static String synopsis(CommandLine cli) {
        return cli.getHelp().synopsis(0).replace("\r", "");
    }

    private static void options(StringBuilder out, CommandSpec spec) {
        for (OptionSpec o : spec.options()) {
            if (o.hidden()) {
                continue;
            }
            out.append(".TP\n");
            List<String> names = List.of(o.names());
            for (int i = 0; i < names.size(); i++) {
                out.append(i == 0 ? "" : ", ").append("\\fB").append(esc(names.get(i))).append("\\fR");
            }
            if (o.typeInfo().isBoolean() && o.arity().max() == 0) {
                out.append('\n');
            } else {
                out.append(" \\fI").append(esc(o.paramLabel())).append("\\fR\n");
            }
            // the description as --help renders it: ${DEFAULT-VALUE} and the like replaced
            String text = String.join(" ", rendered(o));
            out.append(esc(text)).append('\n');
        }
    }

    private static String[] rendered(OptionSpec o) {
        try {
            return o.renderedDescription();
        } catch (RuntimeException e) {
            return o.description();
        }
    }

    private static void footer(StringBuilder out, String[] footer) {
        if (footer.length == 0) {
            return;
        }
        out.append(".PP\n.nf\n");
        for (String line : footer) {
            if (!line.isEmpty()) {
                out.append(esc(line)).append('\n');
            }
        }
        out.append(".fi\n");
    }

    /** A page whose body is a usage text verbatim: its first non-empty paragraph after the synopsis names it. */
    static String fromUsage(String name, String section, String version, String usage) {
        StringBuilder out = new StringBuilder();
        header(out, name, section, version, section.equals("8") ? "System Administration" : "User Commands");
        String[] paragraphs = usage.strip().split("\n\\s*\n", 3);
        String summary = name;
        if (paragraphs.length > 1) { // the first clause of the description, as a NAME line reads
            summary = paragraphs[1].strip().split("[.;](\\s|$)")[0].replaceAll("\\s+", " ");
            summary = Character.toLowerCase(summary.charAt(0)) + summary.substring(1);
        }
        out.append(".SH NAME\n").append(esc(name)).append(" \\- ").append(esc(summary)).append('\n');
        out.append(".SH SYNOPSIS\n.nf\n")
                .append(esc(paragraphs[0].replaceFirst("^usage: ", "").replaceAll("\n\\s+", "\n"))).append("\n.fi\n");
        out.append(".SH DESCRIPTION\n.nf\n");
        for (int i = 1; i < paragraphs.length; i++) {
            out.append(esc(paragraphs[i].stripTrailing())).append("\n\n");
        }
        out.append(".fi\n.SH SEE ALSO\n.BR alknet (1)\n");
        return out.toString();
    }

    private static void header(StringBuilder out, String name, String section, String version, String manual) {
        out.append(".\\\" Generated by dev.alknet.cli.ManPage at build time; edit the commands, not this file.\n");
        out.append(".TH ").append(name.toUpperCase(java.util.Locale.ROOT)).append(' ').append(section)
                .append(" \"\" \"alknet ").append(esc(version)).append("\" \"").append(manual).append("\"\n");
    }

    /** troff escapes: backslashes, leading dots and apostrophes (requests), hyphens as minus signs. */
    static String esc(String s) {
        StringBuilder b = new StringBuilder();
        for (String line : s.split("\n", -1)) {
            if (b.length() > 0) {
                b.append('\n');
            }
            String l = line.replace("\\", "\\e").replace("-", "\\-");
            if (l.startsWith(".") || l.startsWith("'")) {
                l = "\\&" + l;
            }
            b.append(l);
        }
        return b.toString();
    }
}
