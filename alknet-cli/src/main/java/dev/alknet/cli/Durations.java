package dev.alknet.cli;

import java.time.Duration;

/** Parses durations as users type them: {@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h}, or plain seconds. */
final class Durations {

    private Durations() {
    }

    static Duration parse(String text) {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        try {
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            }
            char unit = t.isEmpty() ? ' ' : t.charAt(t.length() - 1);
            String n = Character.isDigit(unit) ? t : t.substring(0, t.length() - 1);
            double value = Double.parseDouble(n);
            if (value < 0) {
                throw new NumberFormatException();
            }
            double seconds = switch (unit) {
                case 'h' -> value * 3600;
                case 'm' -> value * 60;
                case 's' -> value;
                default -> {
                    if (!Character.isDigit(unit)) {
                        throw new NumberFormatException();
                    }
                    yield value;
                }
            };
            return Duration.ofMillis(Math.round(seconds * 1000));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad duration '" + text + "' (expected e.g. 500ms, 10s, 2m)");
        }
    }
}
