package dev.alknet.cli.doctor;

/** One check's outcome: {@code detail} says what was seen, {@code fix} what to do (null when nothing to do). */
public record Verdict(Status status, String check, String detail, String fix) {

    public enum Status { OK, FAIL, SKIP }

    public static Verdict ok(String check, String detail) {
        return new Verdict(Status.OK, check, detail, null);
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
            case FAIL -> "FAIL";
            case SKIP -> "skip";
        };
        return String.format("%-5s %-5s %s", s, check, detail + (fix == null ? "" : ": " + fix));
    }
}
