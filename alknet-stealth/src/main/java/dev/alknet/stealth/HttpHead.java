package dev.alknet.stealth;

import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An HTTP/0.9-1.x request head parsed the way nginx 1.22 parses it, so that the same bytes get the same
 * verdict: a syntax error is reported as soon as the offending byte arrives (a probe need not send a line
 * end), limits are nginx's ({@code large_client_header_buffers 4 8k}), URIs are decoded and normalised
 * ({@code merge_slashes}, dot segments; climbing above the root, {@code %00} and bad escapes are 400).
 */
final class HttpHead {

    static final int MAX_LINE = 8192;
    static final int MAX_HEAD = 4 * 8192;

    final String method;
    /** Decoded, normalised path: starts with '/', no dot segments. */
    final String path;
    /** The query string without '?', or null. */
    final String args;
    final int major;
    final int minor;
    /** Host from an absolute-form URI, or null. */
    final String uriHost;
    /** Lower-case header names; only the first value of each is kept (unique headers are checked). */
    final Map<String, String> headers;
    /** Bytes of the head, request line and final empty line included. */
    final int length;

    private HttpHead(String method, String path, String args, int major, int minor, String uriHost,
            Map<String, String> headers, int length) {
        this.method = method;
        this.path = path;
        this.args = args;
        this.major = major;
        this.minor = minor;
        this.uriHost = uriHost;
        this.headers = headers;
        this.length = length;
    }

    boolean http09() {
        return major == 0;
    }

    String header(String lowerName) {
        return headers.get(lowerName);
    }

    /** Outcome of {@link #parse}: a head, a need for more bytes, or an error status. */
    record Result(HttpHead head, int error, boolean http09) {
        static final Result MORE = new Result(null, 0, false);

        static Result error(int status) {
            return new Result(null, status, false);
        }

        boolean more() {
            return head == null && error == 0;
        }
    }

    private static final class Bad extends Exception {
        final int status;
        final boolean http09;

        Bad(int status) {
            this(status, false);
        }

        Bad(int status, boolean http09) {
            super(null, null, false, false);
            this.status = status;
            this.http09 = http09;
        }
    }

    private static final Result MORE = Result.MORE;

    /**
     * Parses the head at {@code buf}'s reader index without consuming anything. Leading empty lines are
     * skipped (and counted in {@link #length}), as nginx does between keep-alive requests.
     */
    static Result parse(ByteBuf buf) {
        try {
            return parse0(buf);
        } catch (Bad b) {
            return new Result(null, b.status, b.http09);
        }
    }

    private static Result parse0(ByteBuf buf) throws Bad {
        int start = buf.readerIndex();
        int end = buf.writerIndex();
        int p = start;
        while (p < end && (buf.getByte(p) == '\r' || buf.getByte(p) == '\n')) {
            p++;
        }
        int lineStart = p;
        // ---- method
        int m = p;
        while (p < end) {
            byte c = buf.getByte(p);
            if (c == ' ') {
                break;
            }
            if ((c < 'A' || c > 'Z') && c != '_' && c != '-') {
                throw new Bad(400);
            }
            p++;
        }
        if (p == end) {
            return lineTooLong(p - lineStart);
        }
        if (p == m) {
            throw new Bad(400);
        }
        String method = ascii(buf, m, p);
        // ---- spaces, URI
        while (p < end && buf.getByte(p) == ' ') {
            p++;
        }
        if (p == end) {
            return lineTooLong(p - lineStart);
        }
        int u = p;
        byte first = buf.getByte(p);
        if (first != '/' && !((first | 0x20) >= 'a' && (first | 0x20) <= 'z')) {
            throw new Bad(400);
        }
        while (p < end) {
            byte c = buf.getByte(p);
            if (c == ' ' || c == '\r' || c == '\n') {
                break;
            }
            if ((c & 0xff) < 0x20 || c == 0x7f) {
                throw new Bad(400);
            }
            p++;
        }
        if (p == end) {
            return lineTooLong(p - lineStart);
        }
        int uriEnd = p;
        // ---- version (none: HTTP/0.9)
        while (p < end && buf.getByte(p) == ' ') {
            p++;
        }
        if (p == end) {
            return lineTooLong(p - lineStart);
        }
        int major = 0;
        int minor = 9;
        byte c = buf.getByte(p);
        if (c != '\r' && c != '\n') {
            int[] v = new int[2];
            p = version(buf, p, end, v);
            if (p < 0) {
                return lineTooLong(end - lineStart);
            }
            major = v[0];
            minor = v[1];
            while (p < end && buf.getByte(p) == ' ') {
                p++;
            }
            if (p == end) {
                return lineTooLong(p - lineStart);
            }
            c = buf.getByte(p);
        }
        // line end: LF or CR LF
        if (c == '\r') {
            if (p + 1 == end) {
                return lineTooLong(p - lineStart);
            }
            if (buf.getByte(p + 1) != '\n') {
                throw new Bad(400);
            }
            p++;
        } else if (c != '\n') {
            throw new Bad(400);
        }
        p++;
        if (p - lineStart > MAX_LINE) {
            throw new Bad(414);
        }
        if (major == 0 && minor == 9 && !"GET".equals(method)) {
            throw new Bad(400, true);
        }
        if (major > 1) {
            throw new Bad(505);
        }
        // ---- the URI: absolute form, decoding, normalisation (nginx does this before the headers)
        String uriHost = null;
        int pathStart = u;
        if (first != '/') {
            int colon = indexOf(buf, u, uriEnd, (byte) ':');
            if (colon < 0 || colon + 2 >= uriEnd || buf.getByte(colon + 1) != '/' || buf.getByte(colon + 2) != '/') {
                throw new Bad(400, major == 0);
            }
            int h = colon + 3;
            int slash = indexOf(buf, h, uriEnd, (byte) '/');
            int hostEnd = slash < 0 ? uriEnd : slash;
            uriHost = validHost(ascii(buf, h, hostEnd));
            if (uriHost == null) {
                throw new Bad(400, major == 0);
            }
            pathStart = slash < 0 ? -1 : slash;
        }
        String path;
        String args = null;
        if (pathStart < 0) {
            path = "/";
        } else {
            int q = indexOf(buf, pathStart, uriEnd, (byte) '?');
            if (q >= 0) {
                args = new String(bytes(buf, q + 1, uriEnd), StandardCharsets.ISO_8859_1);
            }
            path = normalize(bytes(buf, pathStart, q < 0 ? uriEnd : q));
            if (path == null) {
                throw new Bad(400, major == 0);
            }
        }
        if (major == 0) {
            return new Result(new HttpHead(method, path, args, 0, 9, uriHost, Map.of(), p - start), 0, true);
        }
        // ---- header lines
        Map<String, String> headers = new HashMap<>();
        while (true) {
            int ls = p;
            int lf = indexOf(buf, ls, end, (byte) '\n');
            if (lf < 0) {
                if (end - ls > MAX_LINE || end - start > MAX_HEAD) {
                    throw new Bad(NginxPages.HEADER_TOO_LARGE);
                }
                return scanPartialHeader(buf, ls, end);
            }
            if (lf + 1 - ls > MAX_LINE || lf + 1 - start > MAX_HEAD) {
                throw new Bad(NginxPages.HEADER_TOO_LARGE);
            }
            int le = lf > ls && buf.getByte(lf - 1) == '\r' ? lf - 1 : lf;
            p = lf + 1;
            if (le == ls) {
                break;
            }
            header(buf, ls, le, headers);
        }
        return new Result(new HttpHead(method, path, args, major, minor, uriHost, headers, p - start), 0, false);
    }

    /** A request line still incomplete: fine unless it already exceeds nginx's buffer (414). */
    private static Result lineTooLong(int len) throws Bad {
        if (len > MAX_LINE) {
            throw new Bad(414);
        }
        return MORE;
    }

    /** "HTTP/" major "." minor; returns the index after it, -1 if incomplete. */
    private static int version(ByteBuf buf, int p, int end, int[] v) throws Bad {
        byte[] http = {'H', 'T', 'T', 'P', '/'};
        for (byte b : http) {
            if (p == end) {
                return -1;
            }
            if (buf.getByte(p++) != b) {
                throw new Bad(400);
            }
        }
        for (int part = 0; part < 2; part++) {
            int digits = 0;
            int n = 0;
            while (true) {
                if (p == end) {
                    return -1;
                }
                byte c = buf.getByte(p);
                if (c < '0' || c > '9') {
                    break;
                }
                if (part == 0 && digits == 0 && c == '0' && p + 1 < end && buf.getByte(p + 1) >= '0'
                        && buf.getByte(p + 1) <= '9') {
                    throw new Bad(400);
                }
                n = n * 10 + (c - '0');
                digits++;
                p++;
                if (n > 99) {
                    throw new Bad(400);
                }
            }
            if (digits == 0) {
                throw new Bad(400);
            }
            v[part] = n;
            if (part == 0) {
                if (buf.getByte(p) != '.') {
                    throw new Bad(400);
                }
                p++;
            }
        }
        if (v[0] == 0) {
            throw new Bad(400);
        }
        return p;
    }

    /** Errors visible in an unfinished header line (a control byte, a line that starts with a space). */
    private static Result scanPartialHeader(ByteBuf buf, int ls, int end) throws Bad {
        if (ls < end && (buf.getByte(ls) == ' ' || buf.getByte(ls) == '\t')) {
            throw new Bad(400);
        }
        for (int i = ls; i < end; i++) {
            byte c = buf.getByte(i);
            if (c == 0 || c == '\r' && i + 1 < end) {
                throw new Bad(400);
            }
        }
        return MORE;
    }

    private static void header(ByteBuf buf, int ls, int le, Map<String, String> headers) throws Bad {
        byte c0 = buf.getByte(ls);
        if (c0 == ' ' || c0 == '\t' || c0 == ':') {
            throw new Bad(400);
        }
        int colon = -1;
        boolean valid = true;
        for (int i = ls; i < le; i++) {
            byte c = buf.getByte(i);
            if (c == 0 || c == '\r') {
                throw new Bad(400);
            }
            if (colon < 0) {
                if (c == ':') {
                    colon = i;
                } else if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-')) {
                    // nginx: ignore_invalid_headers (an underscore too: underscores_in_headers off)
                    valid = false;
                }
            }
        }
        if (colon < 0) {
            throw new Bad(400);
        }
        if (!valid) {
            return;
        }
        String name = ascii(buf, ls, colon).toLowerCase(Locale.ROOT);
        String value = new String(bytes(buf, colon + 1, le), StandardCharsets.ISO_8859_1).strip();
        switch (name) {
            case "host" -> {
                if (headers.containsKey(name) || validHost(value) == null) {
                    throw new Bad(400);
                }
                headers.put(name, value);
            }
            case "content-length", "transfer-encoding", "if-modified-since", "if-none-match", "range" -> {
                if (headers.containsKey(name) && !name.startsWith("if-") && !name.equals("range")) {
                    throw new Bad(400);
                }
                headers.putIfAbsent(name, value);
            }
            default -> headers.putIfAbsent(name, value);
        }
    }

    /** nginx's ngx_http_validate_host: the host without port or trailing dot, lower case; null if invalid. */
    static String validHost(String host) {
        if (host.isEmpty()) {
            return null;
        }
        int hostLen = host.length();
        int dot = -1;
        boolean bracket = false;
        for (int i = 0; i < host.length(); i++) {
            char ch = host.charAt(i);
            switch (ch) {
                case '.' -> {
                    if (dot == i - 1) {
                        return null;
                    }
                    dot = i;
                }
                case ':' -> {
                    if (!bracket) {
                        hostLen = Math.min(hostLen, i);
                    }
                }
                case '[' -> {
                    if (i == 0) {
                        bracket = true;
                    }
                }
                case ']' -> {
                    if (bracket) {
                        bracket = false;
                        hostLen = i + 1;
                    }
                }
                default -> {
                    if (ch == '/' || ch == '\\' || ch <= 0x20 || ch == 0x7f) {
                        return null;
                    }
                }
            }
        }
        if (bracket) {
            return null;
        }
        String h = host.substring(0, hostLen);
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        return h.isEmpty() ? null : h.toLowerCase(Locale.ROOT);
    }

    /**
     * Decodes %XX, merges slashes, resolves "." and ".."; null where nginx answers 400 (a bad escape,
     * a NUL byte, ".." above the root).
     */
    static String normalize(byte[] raw) {
        ByteArrayOutputStream decoded = new ByteArrayOutputStream(raw.length);
        for (int i = 0; i < raw.length; i++) {
            int b = raw[i] & 0xff;
            if (b == '%') {
                if (i + 2 >= raw.length) {
                    return null;
                }
                int hi = Character.digit(raw[i + 1], 16);
                int lo = Character.digit(raw[i + 2], 16);
                if (hi < 0 || lo < 0) {
                    return null;
                }
                b = hi * 16 + lo;
                i += 2;
            }
            if (b == 0) {
                return null;
            }
            decoded.write(b);
        }
        String s = decoded.toString(StandardCharsets.UTF_8);
        List<String> segments = new ArrayList<>();
        String[] parts = s.split("/", -1);
        for (int i = 1; i < parts.length; i++) {
            String seg = parts[i];
            boolean last = i == parts.length - 1;
            if (seg.isEmpty() && !last) {
                continue;
            }
            if (seg.equals(".")) {
                if (last) {
                    segments.add("");
                }
                continue;
            }
            if (seg.equals("..")) {
                if (segments.isEmpty()) {
                    return null;
                }
                segments.remove(segments.size() - 1);
                if (last) {
                    segments.add("");
                }
                continue;
            }
            segments.add(seg);
        }
        return "/" + String.join("/", segments);
    }

    private static int indexOf(ByteBuf buf, int from, int to, byte b) {
        return from >= to ? -1 : buf.indexOf(from, to, b);
    }

    private static String ascii(ByteBuf buf, int from, int to) {
        return new String(bytes(buf, from, to), StandardCharsets.ISO_8859_1);
    }

    private static byte[] bytes(ByteBuf buf, int from, int to) {
        byte[] b = new byte[to - from];
        buf.getBytes(from, b);
        return b;
    }
}
