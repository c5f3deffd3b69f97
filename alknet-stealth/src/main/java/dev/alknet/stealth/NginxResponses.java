package dev.alknet.stealth;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The bytes of nginx's answers: status line, its header names in its order, and the page if there is one.
 * Which answer a request gets is {@link NginxFront}'s to decide.
 */
final class NginxResponses {

    private NginxResponses() {
    }

    /** Whether nginx keeps the connection after an error page with this status on the wire. */
    static boolean keepsAlive(int wireStatus) {
        return switch (wireStatus) {
            case 400, 413, 414, 500, 501, 505 -> false;
            default -> true;
        };
    }

    /**
     * nginx's page for {@code code}; {@code location} for a 301, else null; {@code headOnly} for a HEAD request
     * (the headers without the page).
     */
    static ByteBuf page(int code, boolean keepAlive, String location, boolean headOnly) {
        byte[] body = NginxPages.page(code);
        StringBuilder sb = head(NginxPages.statusLine(code));
        sb.append("Content-Type: text/html\r\n");
        sb.append("Content-Length: ").append(body.length).append("\r\n");
        if (location != null) {
            sb.append("Location: ").append(location).append("\r\n");
        }
        sb.append("Connection: ").append(keepAlive ? "keep-alive" : "close").append("\r\n\r\n");
        return withPage(sb, body, headOnly);
    }

    /** 304 to a conditional request for a file that did not change. */
    static ByteBuf notModified(String lastModified, String etag, boolean keepAlive) {
        StringBuilder sb = head("HTTP/1.1 304 Not Modified");
        sb.append("Last-Modified: ").append(lastModified).append("\r\n");
        sb.append("Connection: ").append(keepAlive ? "keep-alive" : "close").append("\r\n");
        sb.append("ETag: ").append(etag).append("\r\n\r\n");
        return bytes(sb);
    }

    /** 416 to a range past the end of a file of {@code size} bytes. */
    static ByteBuf rangeNotSatisfiable(long size, boolean keepAlive, boolean headOnly) {
        StringBuilder sb = head(NginxPages.statusLine(416));
        byte[] body = NginxPages.page(416);
        sb.append("Content-Type: text/html\r\n");
        sb.append("Content-Length: ").append(body.length).append("\r\n");
        sb.append("Connection: ").append(keepAlive ? "keep-alive" : "close").append("\r\n");
        sb.append("Content-Range: bytes */").append(size).append("\r\n\r\n");
        return withPage(sb, body, headOnly);
    }

    /**
     * The head of a 200 or 206 with {@code len} bytes of the file {@code f}.
     *
     * @param contentRange {@code bytes a-b/size} for a 206, else null (then ranges are offered)
     */
    static ByteBuf fileHead(String status, StaticSite.Found f, long len, String lastModified, boolean keepAlive,
            String contentRange) {
        StringBuilder sb = head(status);
        sb.append("Content-Type: ").append(f.type()).append("\r\n");
        sb.append("Content-Length: ").append(len).append("\r\n");
        sb.append("Last-Modified: ").append(lastModified).append("\r\n");
        sb.append("Connection: ").append(keepAlive ? "keep-alive" : "close").append("\r\n");
        sb.append("ETag: ").append(f.etag()).append("\r\n");
        if (contentRange != null) {
            sb.append("Content-Range: ").append(contentRange).append("\r\n\r\n");
        } else {
            sb.append("Accept-Ranges: bytes\r\n\r\n");
        }
        return bytes(sb);
    }

    /** A 200 with a short text body (an ACME HTTP-01 answer), as nginx serves a small file of type text/plain. */
    static ByteBuf text(String body, boolean keepAlive) {
        byte[] b = body.getBytes(StandardCharsets.US_ASCII);
        StringBuilder sb = head("HTTP/1.1 200 OK");
        sb.append("Content-Type: text/plain\r\n");
        sb.append("Content-Length: ").append(b.length).append("\r\n");
        sb.append("Connection: ").append(keepAlive ? "keep-alive" : "close").append("\r\n\r\n");
        return Unpooled.wrappedBuffer(bytes(sb), Unpooled.wrappedBuffer(b));
    }

    /** For the fallback's 502: the same page and headers, then close. */
    static ByteBuf badGateway() {
        byte[] body = NginxPages.page(502);
        String head = head(NginxPages.statusLine(502)) + "Content-Type: text/html\r\nContent-Length: " + body.length
                + "\r\nConnection: close\r\n\r\n";
        return Unpooled.wrappedBuffer(head.getBytes(StandardCharsets.ISO_8859_1), body);
    }

    /**
     * nginx's absolute redirect to the directory {@code h} named without its slash: scheme, the request's host
     * (else our address), our port unless default.
     */
    static String location(boolean https, SocketAddress local, HttpHead h) {
        String scheme = https ? "https" : "http";
        int port = local instanceof InetSocketAddress isa ? isa.getPort() : (https ? 443 : 80);
        String host = h.uriHost != null ? h.uriHost : h.header("host") != null ? HttpHead.validHost(h.header("host")) : null;
        if (host == null) {
            String ip = local instanceof InetSocketAddress isa ? isa.getAddress().getHostAddress() : "localhost";
            host = ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip;
        }
        boolean defaultPort = https ? port == 443 : port == 80;
        return scheme + "://" + host + (defaultPort ? "" : ":" + port) + h.path + "/"
                + (h.args != null ? "?" + h.args : "");
    }

    /** Status line, Server and Date: how every answer of nginx begins. */
    private static StringBuilder head(String statusLine) {
        return new StringBuilder(256).append(statusLine).append("\r\n")
                .append("Server: ").append(NginxPages.SERVER).append("\r\n")
                .append("Date: ").append(NginxPages.date(System.currentTimeMillis())).append("\r\n");
    }

    private static ByteBuf withPage(StringBuilder head, byte[] body, boolean headOnly) {
        ByteBuf out = bytes(head);
        return headOnly ? out : Unpooled.wrappedBuffer(out, Unpooled.wrappedBuffer(body));
    }

    private static ByteBuf bytes(StringBuilder sb) {
        return Unpooled.wrappedBuffer(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
    }
}
