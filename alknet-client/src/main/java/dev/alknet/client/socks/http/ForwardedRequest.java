package dev.alknet.client.socks.http;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The head a plain proxy request ({@code GET http://host/path}) is sent to the origin with (RFC 9110 §7.6,
 * RFC 9112 §3.2.2): origin-form target, {@code Host} from the URI, the hop-by-hop fields and those named in
 * {@code Connection} removed, the proxy credentials removed, and {@code Connection: close}. The body follows as
 * {@link HttpHeadDecoder} frames it (trailers dropped, hence no {@code Trailer}); the connection to the origin
 * carries this one request. Pure function.
 */
final class ForwardedRequest {

    private static final Set<String> HOP_BY_HOP = Set.of("connection", "proxy-connection", "keep-alive",
            "proxy-authorization", "proxy-authenticate", "upgrade", "te", "trailer", "host");

    private ForwardedRequest() {
    }

    static byte[] head(HttpHead request, ProxyTarget target) {
        Set<String> drop = new HashSet<>(HOP_BY_HOP);
        for (HttpHead.Header h : request.headers()) {
            if (h.name().equalsIgnoreCase("Connection")) {
                for (String token : h.value().split(",")) {
                    String t = token.strip().toLowerCase(Locale.ROOT);
                    if (!t.equals("content-length") && !t.equals("transfer-encoding")) {
                        drop.add(t); // never the fields that frame the body we pass through
                    }
                }
            }
        }
        StringBuilder b = new StringBuilder(256);
        b.append(request.method()).append(' ').append(target.pathAndQuery()).append(' ').append(request.version())
                .append("\r\n");
        b.append("Host: ").append(target.hostHeader()).append("\r\n");
        for (HttpHead.Header h : request.headers()) {
            if (!drop.contains(h.name().toLowerCase(Locale.ROOT))) {
                b.append(h.name()).append(": ").append(h.value()).append("\r\n");
            }
        }
        b.append("Connection: close\r\n\r\n");
        return b.toString().getBytes(StandardCharsets.ISO_8859_1);
    }
}
