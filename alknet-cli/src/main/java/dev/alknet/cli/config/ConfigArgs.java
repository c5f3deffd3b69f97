package dev.alknet.cli.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.HashSet;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Turns {@code --config FILE} into command-line arguments, from the command's own picocli spec: every long option
 * is a key (name without {@code --}), the positional parameters are the key named after their label (e.g.
 * {@code server}). Keys the user also gave on the command line are skipped, so flags win; a list replaces rather
 * than extends. Done by rewriting the arguments (not a default-value provider) so that required options and
 * repeatable ones behave exactly as when typed.
 */
public final class ConfigArgs {

    public static final String OPTION = "--config";
    /**
     * Commands that read another command's file: {@code doctor} checks the way {@code connect} dials, so it takes
     * connect's file as is; a key only connect knows (e.g. {@code local-forward}) is skipped, one neither knows is
     * still refused.
     */
    private static final Map<String, String> READS_FILE_OF = Map.of("doctor", "connect");
    /** Built on first use: loading Jackson and SnakeYAML costs start-up time that runs without --config skip. */
    private static final class Yaml {
        static final YAMLMapper MAPPER = new YAMLMapper();
    }

    private ConfigArgs() {
    }

    /**
     * {@code args} with the config file's keys inserted after the subcommand name, or {@code args} unchanged when
     * there is no {@code --config}. Throws {@link ConfigException} (one line, naming file and key) on a bad file.
     */
    public static Expanded expand(CommandLine root, String[] args) {
        int sub = subcommandIndex(args);
        if (sub < 0) {
            return new Expanded(args, null, Set.of());
        }
        CommandLine cmd = root.getSubcommands().get(args[sub]);
        if (cmd == null || cmd.getCommandSpec().findOption(OPTION) == null) {
            return new Expanded(args, null, Set.of());
        }
        List<String> user = List.of(args).subList(sub + 1, args.length);
        Path file = configPath(user);
        if (file == null) {
            return new Expanded(args, null, Set.of());
        }
        Set<String> keys = new HashSet<>();
        CommandLine owner = root.getSubcommands().get(READS_FILE_OF.getOrDefault(args[sub], args[sub]));
        List<String> added = argsFor(cmd.getCommandSpec(), owner == null ? null : owner.getCommandSpec(), file,
                read(file), user, keys);
        List<String> out = new ArrayList<>(List.of(args).subList(0, sub + 1));
        int positionalAt = added.indexOf("--");
        out.addAll(positionalAt < 0 ? added : added.subList(0, positionalAt));
        out.addAll(user);
        if (positionalAt >= 0) {
            out.addAll(added.subList(positionalAt + 1, added.size()));
        }
        return new Expanded(out.toArray(String[]::new), file, Set.copyOf(keys));
    }

    /**
     * The arguments to parse, and where they came from: {@code fromConfig} holds the option names (longest, with
     * dashes) and positional labels that the file supplied, so that a bad value can be blamed on its key.
     */
    public record Expanded(String[] args, Path file, Set<String> fromConfig) {

        /** "FILE: key 'K': " if {@code name} came from the config file, else "". */
        public String blame(String name) {
            return file != null && fromConfig.contains(name) ? file + ": key '" + name.replaceFirst("^--", "").toLowerCase(java.util.Locale.ROOT) + "': " : "";
        }
    }

    static JsonNode read(Path file) {
        try {
            JsonNode node = Yaml.MAPPER.readTree(BoundedFile.readString(file, "--config"));
            if (node == null || node.isMissingNode() || node.isNull()) {
                return Yaml.MAPPER.createObjectNode();
            }
            if (!node.isObject()) {
                throw new ConfigException(file + ": expected 'key: value' lines at the top level");
            }
            return node;
        } catch (NoSuchFileException e) {
            throw new ConfigException("--config: no such file " + file);
        } catch (JacksonException e) {
            throw new ConfigException(file + ": not valid YAML: " + firstLine(e.getOriginalMessage())
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"));
        } catch (IOException e) {
            throw new ConfigException("--config: cannot read " + file + ": " + e.getMessage());
        }
    }

    /**
     * The arguments one config file stands for; positional values come after a {@code "--"} marker. {@code owner}
     * is the command whose file it is (may be {@code spec} itself): keys it knows and {@code spec} does not are
     * skipped.
     */
    static List<String> argsFor(CommandSpec spec, CommandSpec owner, Path file, JsonNode config, List<String> userArgs,
            Set<String> keys) {
        List<String> options = new ArrayList<>();
        List<String> positionals = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> fields = config.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> e = fields.next();
            String key = e.getKey();
            JsonNode value = e.getValue();
            OptionSpec option = key.startsWith("-") ? null : spec.findOption("--" + key);
            if (option != null && !option.usageHelp() && !option.versionHelp() && !OPTION.equals(option.longestName())) {
                if (!givenOnCommandLine(option, userArgs)) {
                    addOption(options, option, file, key, value);
                    keys.add(option.longestName());
                }
                continue;
            }
            PositionalParamSpec positional = positional(spec, key);
            if (positional == null && owner != null && owner != spec && knows(owner, key)) {
                continue;
            }
            if (positional == null) {
                throw new ConfigException(file + ": unknown key '" + key + "' ('" + spec.qualifiedName()
                        + " --help' lists the options)");
            }
            if (!hasPositional(spec, userArgs)) {
                positionals.addAll(values(file, key, value, positional.isMultiValue()));
                keys.add(positional.paramLabel());
            }
        }
        if (!positionals.isEmpty()) {
            options.add("--");
            options.addAll(positionals);
        }
        return options;
    }

    private static void addOption(List<String> out, OptionSpec option, Path file, String key, JsonNode value) {
        String name = option.longestName();
        if (option.arity().max() == 0) {
            if (!value.isBoolean()) {
                throw new ConfigException(file + ": key '" + key + "': expected true or false, got " + value);
            }
            if (value.booleanValue()) {
                out.add(name);
            }
            return;
        }
        if (option.arity().min() == 0 && value.isBoolean()) { // e.g. --stealth: true means the bare flag
            if (value.booleanValue()) {
                out.add(name);
            }
            return;
        }
        for (String v : values(file, key, value, option.isMultiValue())) {
            out.add(name + "=" + v); // '=' so that values starting with '-' stay values
        }
    }

    private static List<String> values(Path file, String key, JsonNode value, boolean many) {
        List<String> out = new ArrayList<>();
        if (value.isArray()) {
            if (!many) {
                throw new ConfigException(file + ": key '" + key + "' takes one value, not a list");
            }
            for (JsonNode v : value) {
                out.add(scalar(file, key, v));
            }
        } else {
            out.add(scalar(file, key, value));
        }
        return out;
    }

    private static String scalar(Path file, String key, JsonNode v) {
        if (v.isValueNode() && !v.isNull()) {
            return v.asText();
        }
        throw new ConfigException(file + ": key '" + key + "': expected a value, got " + (v.isNull() ? "nothing" : v));
    }

    private static boolean knows(CommandSpec spec, String key) {
        return (!key.startsWith("-") && spec.findOption("--" + key) != null) || positional(spec, key) != null;
    }

    private static PositionalParamSpec positional(CommandSpec spec, String key) {
        for (PositionalParamSpec p : spec.positionalParameters()) {
            String label = p.paramLabel().replaceAll("[<>.]", "").toLowerCase(java.util.Locale.ROOT);
            if (label.equals(key)) {
                return p;
            }
        }
        return null;
    }

    static boolean givenOnCommandLine(OptionSpec option, List<String> userArgs) {
        for (String a : userArgs) {
            if ("--".equals(a)) {
                return false;
            }
            for (String name : option.names()) {
                if (a.equals(name) || a.startsWith(name + "=")
                        || (!name.startsWith("--") && a.startsWith(name) && a.length() > name.length())) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether the user typed a positional parameter: a word that is neither an option nor an option's value. */
    private static boolean hasPositional(CommandSpec spec, List<String> userArgs) {
        for (int i = 0; i < userArgs.size(); i++) {
            String a = userArgs.get(i);
            if ("--".equals(a)) {
                return i + 1 < userArgs.size();
            }
            if (!a.startsWith("-") || "-".equals(a)) {
                return true;
            }
            OptionSpec o = spec.findOption(a.contains("=") ? a.substring(0, a.indexOf('=')) : a);
            if (o != null && !a.contains("=") && o.arity().min() > 0) {
                i++; // its value
            }
        }
        return false;
    }

    private static Path configPath(List<String> args) {
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if ("--".equals(a)) {
                return null;
            }
            if (a.equals(OPTION)) {
                if (i + 1 >= args.size()) {
                    return null; // picocli reports the missing value
                }
                return Path.of(args.get(i + 1));
            }
            if (a.startsWith(OPTION + "=")) {
                return Path.of(a.substring(OPTION.length() + 1));
            }
        }
        return null;
    }

    private static int subcommandIndex(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("-")) {
                return i;
            }
        }
        return -1;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
