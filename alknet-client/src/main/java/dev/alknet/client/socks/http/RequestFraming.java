package dev.alknet.client.socks.http;

import java.util.Locale;

/**
 * How long the body of a forwarded request is (RFC 9112 §6), decided strictly enough that the proxy and any
 * origin agree on where it ends: exactly one {@code Content-Length} of digits, or {@code Transfer-Encoding:
 * chunked} alone, or neither (no body). Both at once, repeated or odd values, another coding, and chunked from an
 * HTTP/1.0 client are refused: each is a way to make two parsers disagree (request smuggling). Pure function.
 *
 * @param chunked whether the body is chunked; else {@code length} bytes follow the head (0: no body)
 */
record RequestFraming(boolean chunked, long length) {

    static final RequestFraming NONE = new RequestFraming(false, 0);

    static RequestFraming of(HttpHead head) throws HttpProxyException {
        String te = null;
        String cl = null;
        for (HttpHead.Header h : head.headers()) {
            if (h.name().equalsIgnoreCase("Transfer-Encoding")) {
                if (te != null) {
                    throw bad("more than one Transfer-Encoding field");
                }
                te = h.value();
            } else if (h.name().equalsIgnoreCase("Content-Length")) {
                if (cl != null) {
                    throw bad("more than one Content-Length field");
                }
                cl = h.value();
            }
        }
        if (te != null && cl != null) {
            throw bad("both Transfer-Encoding and Content-Length");
        }
        if (te != null) {
            if (head.version().equals("HTTP/1.0")) {
                throw bad("Transfer-Encoding in an HTTP/1.0 request");
            }
            if (!te.toLowerCase(Locale.ROOT).equals("chunked")) {
                throw new HttpProxyException(501, "only Transfer-Encoding: chunked is supported, not " + te);
            }
            return new RequestFraming(true, 0);
        }
        if (cl != null) {
            if (cl.isEmpty() || cl.length() > 18 || !cl.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw bad("bad Content-Length " + cl);
            }
            return new RequestFraming(false, Long.parseLong(cl));
        }
        return NONE;
    }

    private static HttpProxyException bad(String why) {
        return new HttpProxyException(400, why);
    }
}
