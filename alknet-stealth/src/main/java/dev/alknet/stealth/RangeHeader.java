package dev.alknet.stealth;

/** The Range header as nginx's range filter reads it for a static file: one range or none. */
final class RangeHeader {

    private RangeHeader() {
    }

    /**
     * One range "bytes=a-b", "a-" or "-n": {start, end}; {-1, -1} if unsatisfiable; null to ignore the
     * header (several ranges or a syntax nginx would also ignore: the whole file is sent).
     */
    static long[] singleRange(String range, long size) {
        String r = range.strip();
        if (!r.regionMatches(true, 0, "bytes=", 0, 6) || r.indexOf(',') >= 0) {
            return null;
        }
        String spec = r.substring(6).strip();
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return null;
        }
        try {
            String a = spec.substring(0, dash).strip();
            String b = spec.substring(dash + 1).strip();
            long start;
            long end;
            if (a.isEmpty()) {
                long n = Long.parseLong(b);
                if (n == 0) {
                    return new long[] {-1, -1};
                }
                start = Math.max(0, size - n);
                end = size - 1;
            } else {
                start = Long.parseLong(a);
                end = b.isEmpty() ? size - 1 : Math.min(Long.parseLong(b), size - 1);
                if (end < start && !b.isEmpty() && Long.parseLong(b) < start) {
                    return null;
                }
            }
            if (start >= size) {
                return new long[] {-1, -1};
            }
            return new long[] {start, end};
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
