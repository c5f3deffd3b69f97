package dev.alknet.client.socks.http;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds and parses an HTTP/1.x request head (RFC 9112 §2-5), strictly enough for a proxy: a request line of
 * three parts and a version of HTTP/1.0 or 1.1, header names that are tokens with no space before the colon,
 * no obsolete line folding. Lines may end in CRLF or a bare LF. Pure functions.
 */
public final class HttpHeadParser {

    /** Largest head accepted; a longer one is answered 431. */
    public static final int MAX_HEAD = 16 * 1024;

    private HttpHeadParser() {
    }

    /**
     * Length of the head at the start of {@code in} including its blank line, or -1 if the blank line has not
     * arrived yet. Looks at no more than {@link #MAX_HEAD} bytes. {@code from} is where an earlier call stopped
     * looking (relative to the reader index), so a dribbled head is scanned once.
     */
    public static int headLength(ByteBuf in, int from) {
        int start = in.readerIndex();
        int end = start + Math.min(in.readableBytes(), MAX_HEAD);
        for (int i = start + Math.max(0, from - 2); i < end; i++) {
            if (in.getByte(i) != '\n') {
                continue;
            }
            if (i + 1 < end && in.getByte(i + 1) == '\n') {
                return i + 2 - start;
            }
            if (i + 2 < end && in.getByte(i + 1) == '\r' && in.getByte(i + 2) == '\n') {
                return i + 3 - start;
            }
        }
        return -1;
    }

    /** Parses a complete head (as ISO-8859-1 text, blank line included). */
    public static HttpHead parse(String head) throws HttpProxyException {
        List<String> lines = lines(head);
        if (lines.isEmpty()) {
            throw bad("empty request");
        }
        String[] parts = lines.get(0).split(" ", -1);
        if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty() || !isToken(parts[0])) {
            throw bad("malformed request line");
        }
        if (!parts[2].equals("HTTP/1.1") && !parts[2].equals("HTTP/1.0")) {
            throw new HttpProxyException(505, "HTTP version not supported: " + parts[2]);
        }
        List<HttpHead.Header> headers = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            headers.add(header(lines.get(i)));
        }
        return new HttpHead(parts[0], parts[1], parts[2], headers);
    }

    private static HttpHead.Header header(String line) throws HttpProxyException {
        if (line.startsWith(" ") || line.startsWith("\t")) {
            throw bad("obsolete line folding");
        }
        int colon = line.indexOf(':');
        if (colon <= 0 || !isToken(line.substring(0, colon))) {
            throw bad("malformed header field");
        }
        return new HttpHead.Header(line.substring(0, colon), line.substring(colon + 1).strip());
    }

    /** The lines before the blank one, without their line ends. */
    private static List<String> lines(String head) throws HttpProxyException {
        List<String> lines = new ArrayList<>();
        int at = 0;
        while (at < head.length()) {
            int nl = head.indexOf('\n', at);
            if (nl < 0) {
                throw bad("unterminated head");
            }
            int end = nl > at && head.charAt(nl - 1) == '\r' ? nl - 1 : nl;
            String line = head.substring(at, end);
            if (line.isEmpty()) {
                return lines;
            }
            if (line.indexOf('\r') >= 0 || line.indexOf('\0') >= 0) {
                throw bad("control character in head");
            }
            lines.add(line);
            at = nl + 1;
        }
        throw bad("unterminated head");
    }

    static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static HttpProxyException bad(String why) {
        return new HttpProxyException(400, why);
    }
}
