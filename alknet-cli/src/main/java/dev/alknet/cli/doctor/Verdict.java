package dev.alknet.cli.doctor;

/**
 * One check's outcome: {@code detail} says what was seen, {@code fix} what to do (null when nothing to do). A
 * {@code WARN} is worth knowing but does not fail the run (exit 0), e.g. a host key not yet known.
 */
public record Verdict(Status status, String check, String detail, String fix) {

    public enum Status { OK, WARN, FAIL, SKIP }

    public static Verdict ok(String check, String detail) {
        return new Verdict(Status.OK, check, detail, null);
    }

    public static Verdict warn(String check, String detail, String fix) {
        return new Verdict(Status.WARN, check, detail, fix);
    }

    public static Verdict fail(String check, String detail, String fix) {
        return new Verdict(Status.FAIL, check, detail, fix);
    }

    public static Verdict skip(String check, String detail) {
        return new Verdict(Status.SKIP, check, detail, null);
    }

    /** {@code ok    tls   server reachable (38 ms)} / {@code FAIL  quic  ...: fix}. */
    public String line() {
        String s = switch (status) {
            case OK -> "ok";
            case WARN -> "warn";
            case FAIL -> "FAIL";
            case SKIP -> "skip";
        };
        return String.format("%-5s %-7s %s", s, check, detail + (fix == null ? "" : ": " + fix));
    }
}
