package dev.alknet.cli.config;

/** A config file the user must fix; the message is one line naming the file and the key. */
public final class ConfigException extends IllegalArgumentException {

    public ConfigException(String message) {
        super(oneLine(message));
    }

    /**
     * Control characters (a key such as {@code "a\nb"} in the YAML, a file name with a newline) written as escapes,
     * so that the message stays the one line Main prints.
     */
    private static String oneLine(String message) {
        StringBuilder b = new StringBuilder(message.length());
        for (int i = 0; i < message.length(); i++) {
            char c = message.charAt(i);
            if (c == '\n') {
                b.append("\\n");
            } else if (c == '\r') {
                b.append("\\r");
            } else if (c == '\t') {
                b.append("\\t");
            } else if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
