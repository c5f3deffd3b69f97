package dev.alknet.server.policy;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;

/**
 * The {@code expiry-time="..."} of an authorized_keys line, as sshd(8) reads it: {@code YYYYMMDD[Z]} or
 * {@code YYYYMMDDHHMM[SS][Z]}, in the server's local time unless it ends in {@code Z} (UTC).
 */
final class ExpiryTime {

    private static final DateTimeFormatter DATE = strict("uuuuMMdd");
    private static final DateTimeFormatter MINUTES = strict("uuuuMMddHHmm");
    private static final DateTimeFormatter SECONDS = strict("uuuuMMddHHmmss");

    private ExpiryTime() {
    }

    /** Repeated options arrive joined with ',': as sshd, the earliest one counts. */
    static Instant earliest(String joined) {
        Instant earliest = null;
        for (String item : joined.split(",", -1)) {
            Instant t = parse(item.trim());
            if (earliest == null || t.isBefore(earliest)) {
                earliest = t;
            }
        }
        return earliest;
    }

    static Instant parse(String text) {
        boolean utc = text.endsWith("Z") || text.endsWith("z");
        String digits = utc ? text.substring(0, text.length() - 1) : text;
        ZoneId zone = utc ? ZoneOffset.UTC : ZoneId.systemDefault();
        try {
            LocalDateTime t = switch (digits.length()) {
                case 8 -> LocalDate.parse(digits, DATE).atStartOfDay();
                case 12 -> LocalDateTime.parse(digits, MINUTES);
                case 14 -> LocalDateTime.parse(digits, SECONDS);
                default -> throw new DateTimeParseException("length", digits, 0);
            };
            return t.atZone(zone).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("expiry-time=\"" + text
                    + "\": expected YYYYMMDD[Z] or YYYYMMDDHHMM[SS][Z]");
        }
    }

    private static DateTimeFormatter strict(String pattern) {
        return DateTimeFormatter.ofPattern(pattern).withResolverStyle(ResolverStyle.STRICT);
    }
}
