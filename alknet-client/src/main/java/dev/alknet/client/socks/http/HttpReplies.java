package dev.alknet.client.socks.http;

import dev.alknet.core.open.OpenFailure;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.socksx.v5.Socks5CommandStatus;
import java.nio.charset.StandardCharsets;

/** The proxy's own HTTP answers: the CONNECT success line, and short plain-text errors that close. */
final class HttpReplies {

    static final String ESTABLISHED = "HTTP/1.1 200 Connection established\r\n\r\n";

    private HttpReplies() {
    }

    /** The HTTP status for what a SOCKS5 client would have been told. */
    static int statusFor(Socks5CommandStatus status) {
        return OpenFailure.forSocks5(status.byteValue()).httpStatus(); // 502: refused, unreachable, tunnel down
    }

    static String reason(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 403 -> "Forbidden";
            case 407 -> "Proxy Authentication Required";
            case 431 -> "Request Header Fields Too Large";
            case 501 -> "Not Implemented";
            case 502 -> "Bad Gateway";
            case 504 -> "Gateway Timeout";
            case 505 -> "HTTP Version Not Supported";
            default -> "Error";
        };
    }

    /** A complete error response with {@code detail} as its body; the connection closes after it. */
    static ByteBuf error(ByteBufAllocator alloc, int status, String detail) {
        byte[] body = (detail + "\n").getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder(160)
                .append("HTTP/1.1 ").append(status).append(' ').append(reason(status)).append("\r\n");
        if (status == 407) {
            head.append("Proxy-Authenticate: Basic realm=\"alknet\"\r\n");
        }
        head.append("Content-Type: text/plain; charset=utf-8\r\n")
                .append("Content-Length: ").append(body.length).append("\r\n")
                .append("Connection: close\r\n\r\n");
        byte[] h = head.toString().getBytes(StandardCharsets.ISO_8859_1);
        return alloc.buffer(h.length + body.length).writeBytes(h).writeBytes(body);
    }
}
