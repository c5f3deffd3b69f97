package dev.alknet.stealth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The verdicts below were taken from nginx 1.22 (Debian 12) for the same bytes. */
class HttpHeadTest {

    private static HttpHead.Result parse(String s) {
        ByteBuf b = Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
        try {
            return HttpHead.parse(b);
        } finally {
            b.release();
        }
    }

    private static int status(String s) {
        HttpHead.Result r = parse(s);
        assertTrue(!r.more(), "incomplete: " + s);
        return r.head() == null ? r.error() : 0;
    }

    @Test
    void wellFormedRequests() {
        HttpHead h = parse("GET /sub/../index.html?x=1 HTTP/1.1\r\nHost: Example.COM:8080\r\nX_Y: 1\r\n\r\n").head();
        assertEquals("GET", h.method);
        assertEquals("/index.html", h.path);
        assertEquals("x=1", h.args);
        assertEquals(1, h.minor);
        assertEquals("Example.COM:8080", h.header("host"));
        assertNull(h.header("x_y"), "headers with an underscore are ignored");
        assertEquals(0, status("\r\n\r\nGET / HTTP/1.1\nHost: x\n\n"));
        assertEquals(0, status("GET  /  HTTP/1.1 \r\nHost: x\r\n\r\n"));
        assertEquals(0, status("GET / HTTP/1.10\r\nHost: x\r\n\r\n"));
        assertEquals(0, status("FOO / HTTP/1.1\r\nHost: x\r\n\r\n"));
        assertEquals("/", parse("GET http://x HTTP/1.1\r\n\r\n").head().path);
        assertEquals("x", parse("GET http://X./a HTTP/1.1\r\n\r\n").head().uriHost);
        assertTrue(parse("GET /\r\n").head().http09());
        assertEquals("/a/", parse("GET //a//./ HTTP/1.0\r\n\r\n").head().path);
    }

    @Test
    void syntaxErrorsAreSeenAtTheFirstBadByte() {
        assertEquals(400, status("SSH-2.0-"));
        assertEquals(400, status("\u0005\u0006"));
        assertEquals(400, status("\u0016\u0003\u0001\u0000"));
        assertEquals(400, status("get / HTTP/1.1\r\n"));
        assertEquals(400, status("GET x HTTP/1.1\r\nHost: x\r\n\r\n"));
        assertEquals(400, status("GET / http/1.1"));
        assertEquals(400, status("OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n"));
        assertEquals(400, status("GET /a b HTTP/1.1\r\n"));
        assertEquals(400, status("GET /\u0001 HTTP/1.1\r\n"));
        assertEquals(400, status("GET / HTTP/1.1\rHost"));
        assertEquals(400, status("GET / HTTP/01.1\r\n"));
        assertEquals(400, status("GET / HTTP/0.9\r\n"));
        assertEquals(505, status("GET / HTTP/2.0\r\nHost: x\r\n\r\n"));
        assertEquals(400, status("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"));
        assertTrue(parse("HEAD /\r\n").http09());
    }

    @Test
    void uriAndHeaderErrors() {
        assertEquals(400, status("GET /../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n"));
        assertEquals(400, status("GET /%2e%2e/x HTTP/1.1\r\nHost: x\r\n\r\n"));
        assertEquals(400, status("GET /index.html%00 HTTP/1.1\r\nHost: x\r\n\r\n"));
        assertEquals(400, status("GET /%zz HTTP/1.1\r\nHost: x\r\n\r\n"));
        assertEquals(400, status("GET / HTTP/1.1\r\nBad Header\r\n\r\n"));
        assertEquals(400, status("GET / HTTP/1.1\r\nHost: a b\r\n\r\n"));
        assertEquals(400, status("GET / HTTP/1.1\r\nHost: ..\r\n\r\n"));
        assertEquals(400, status("GET / HTTP/1.1\r\nHost: \r\n\r\n"));
        assertEquals(400, status("GET / HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n"));
        assertEquals(400, status("GET / HTTP/1.1\r\n x: 1\r\n\r\n"));
        assertEquals(400, status("GET / HTTP/1.1\r\n: y\r\n\r\n"));
    }

    @Test
    void limitsAndIncompleteInput() {
        assertTrue(parse("").more());
        assertTrue(parse("GET / HTTP/1.1\r\nHost: x\r\n").more());
        assertTrue(parse("SSH-").more(), "a valid method prefix so far");
        assertEquals(414, status("GET /" + "a".repeat(9000)));
        assertEquals(NginxPages.HEADER_TOO_LARGE, status("GET / HTTP/1.1\r\nX: " + "a".repeat(9000)));
    }

    @Test
    void pagesAreNginxsBytes() {
        assertEquals(146, NginxPages.page(404).length);
        assertEquals(150, NginxPages.page(400).length);
        assertEquals(150, NginxPages.page(405).length);
        assertEquals(162, NginxPages.page(301).length);
        assertEquals(180, NginxPages.page(505).length);
        assertEquals(248, NginxPages.page(NginxPages.PLAIN_HTTP_TO_HTTPS).length);
        assertEquals(176, NginxPages.page(413).length);
        assertEquals(158, NginxPages.page(501).length);
        assertEquals("HTTP/1.1 400 Bad Request", NginxPages.statusLine(NginxPages.PLAIN_HTTP_TO_HTTPS));
        assertEquals("Sun, 02 Nov 2025 05:02:43 GMT", NginxPages.date(1762059763000L));
    }

    @Test
    void ranges() {
        assertEquals("[0, 3]", java.util.Arrays.toString(RangeHeader.singleRange("bytes=0-3", 32)));
        assertEquals("[22, 31]", java.util.Arrays.toString(RangeHeader.singleRange("bytes=-10", 32)));
        assertEquals("[5, 31]", java.util.Arrays.toString(RangeHeader.singleRange("bytes=5-", 32)));
        assertEquals("[-1, -1]", java.util.Arrays.toString(RangeHeader.singleRange("bytes=100-200", 32)));
        assertNull(RangeHeader.singleRange("bytes=0-1,4-5", 32));
    }
}
