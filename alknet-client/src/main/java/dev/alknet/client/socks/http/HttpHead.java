package dev.alknet.client.socks.http;

import java.util.List;

/** The head of an HTTP/1.x request as received: request line and header fields in order. */
public record HttpHead(String method, String target, String version, List<Header> headers) {

    public record Header(String name, String value) {
    }

    public HttpHead {
        headers = List.copyOf(headers);
    }

    /** The first value of the named field (case-insensitive), or null. */
    public String header(String name) {
        for (Header h : headers) {
            if (h.name().equalsIgnoreCase(name)) {
                return h.value();
            }
        }
        return null;
    }
}
