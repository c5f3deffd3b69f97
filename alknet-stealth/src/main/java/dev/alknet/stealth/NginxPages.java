package dev.alknet.stealth;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;

/**
 * What nginx 1.22 (Debian, {@code server_tokens off}) says: status lines, its built-in error pages
 * (ngx_http_special_response.c, CRLF line ends) and its date format.
 */
final class NginxPages {

    /** The Server header and the signature in error pages ({@code server_tokens off}). */
    static final String SERVER = "nginx";

    private static final Map<Integer, String> REASONS = Map.ofEntries(
            Map.entry(200, "OK"),
            Map.entry(206, "Partial Content"),
            Map.entry(301, "Moved Permanently"),
            Map.entry(304, "Not Modified"),
            Map.entry(400, "Bad Request"),
            Map.entry(403, "Forbidden"),
            Map.entry(404, "Not Found"),
            Map.entry(405, "Not Allowed"),
            Map.entry(413, "Request Entity Too Large"),
            Map.entry(414, "Request-URI Too Large"),
            Map.entry(416, "Requested Range Not Satisfiable"),
            Map.entry(500, "Internal Server Error"),
            Map.entry(501, "Not Implemented"),
            Map.entry(502, "Bad Gateway"),
            Map.entry(505, "HTTP Version Not Supported"));

    /** nginx's internal codes that go out as 400 with a page of their own. */
    static final int HEADER_TOO_LARGE = 494;
    static final int PLAIN_HTTP_TO_HTTPS = 497;

    private static final DateTimeFormatter HTTP_DATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

    private static final String TAIL = "<hr><center>" + SERVER + "</center>\r\n</body>\r\n</html>\r\n";

    private NginxPages() {
    }

    /** The status code on the wire (494 and 497 are sent as 400). */
    static int wireStatus(int code) {
        return code == HEADER_TOO_LARGE || code == PLAIN_HTTP_TO_HTTPS ? 400 : code;
    }

    static String statusLine(int code) {
        int wire = wireStatus(code);
        return "HTTP/1.1 " + wire + " " + REASONS.getOrDefault(wire, "Unknown");
    }

    /** The body nginx sends with an error or redirect status. */
    static byte[] page(int code) {
        String title;
        String extra = "";
        if (code == HEADER_TOO_LARGE) {
            title = "400 Request Header Or Cookie Too Large";
            extra = "<center>Request Header Or Cookie Too Large</center>\r\n";
        } else if (code == PLAIN_HTTP_TO_HTTPS) {
            title = "400 The plain HTTP request was sent to HTTPS port";
            extra = "<center>The plain HTTP request was sent to HTTPS port</center>\r\n";
        } else {
            title = code + " " + REASONS.getOrDefault(code, "Unknown");
        }
        String h1 = wireStatus(code) + " " + REASONS.getOrDefault(wireStatus(code), "Unknown");
        return ("<html>\r\n<head><title>" + title + "</title></head>\r\n<body>\r\n<center><h1>" + h1
                + "</h1></center>\r\n" + extra + TAIL).getBytes(StandardCharsets.US_ASCII);
    }

    static String date(long epochMillis) {
        return HTTP_DATE.format(Instant.ofEpochMilli(epochMillis));
    }

    /** Parses an HTTP date as nginx compares If-Modified-Since (exact second), or -1. */
    static long parseDate(String s) {
        try {
            return Instant.from(HTTP_DATE.parse(s.trim())).getEpochSecond();
        } catch (RuntimeException e) {
            return -1;
        }
    }
}
