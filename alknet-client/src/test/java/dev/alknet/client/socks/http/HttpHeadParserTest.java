package dev.alknet.client.socks.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HttpHeadParserTest {

    private static ByteBuf buf(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
    }

    @Test
    void theHeadEndsAtTheFirstBlankLineWithCrlfOrBareLf() {
        assertEquals(-1, HttpHeadParser.headLength(buf("CONNECT a:1 HTTP/1.1\r\nHost: a\r\n"), 0));
        assertEquals(35, HttpHeadParser.headLength(buf("CONNECT a:1 HTTP/1.1\r\nHost: a:1\r\n\r\nPAYLOAD"), 0));
        assertEquals(30, HttpHeadParser.headLength(buf("CONNECT a:1 HTTP/1.1\nHost: a\n\nPAYLOAD"), 0));
        assertEquals(31, HttpHeadParser.headLength(buf("CONNECT a:1 HTTP/1.1\nHost: a\n\r\n"), 0));
    }

    @Test
    void aHeadSplitAnywhereIsFoundWhenScanningOnFromWhereTheLastScanStopped() {
        String head = "GET http://x/ HTTP/1.1\r\nHost: x\r\n\r\n";
        for (int split = 1; split < head.length(); split++) {
            ByteBuf b = buf(head.substring(0, split));
            int scanned = b.readableBytes();
            assertEquals(split == head.length() ? head.length() : -1, HttpHeadParser.headLength(b, 0));
            b.writeBytes(head.substring(split).getBytes(StandardCharsets.ISO_8859_1));
            assertEquals(head.length(), HttpHeadParser.headLength(b, scanned), "split at " + split);
        }
    }

    @Test
    void requestLineAndHeadersAreParsedInOrder() throws Exception {
        HttpHead h = HttpHeadParser.parse("GET http://example.test/a?b HTTP/1.1\r\nHost: example.test\r\n"
                + "Proxy-Authorization:  Basic eDp5 \r\nAccept: */*\r\n\r\n");
        assertEquals("GET", h.method());
        assertEquals("http://example.test/a?b", h.target());
        assertEquals("HTTP/1.1", h.version());
        assertEquals(List.of("Host", "Proxy-Authorization", "Accept"),
                h.headers().stream().map(HttpHead.Header::name).toList());
        assertEquals("Basic eDp5", h.header("proxy-authorization"));
        assertNull(h.header("Cookie"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "GET\r\n\r\n", "GET  http://x/ HTTP/1.1\r\n\r\n", "GET http://x/ HTTP/1.1 extra\r\n\r\n",
        "G(T http://x/ HTTP/1.1\r\n\r\n", "GET http://x/ HTTP/1.1\r\nHost : x\r\n\r\n",
        "GET http://x/ HTTP/1.1\r\nNoColon\r\n\r\n", "GET http://x/ HTTP/1.1\r\nA: b\r\n folded\r\n\r\n",
        "GET http://x/ HTTP/1.1\r\nA: b\rc\r\n\r\n"})
    void malformedHeadsAre400(String head) {
        assertEquals(400, assertThrows(HttpProxyException.class, () -> HttpHeadParser.parse(head)).status());
    }

    @Test
    void otherVersionsAre505() {
        assertEquals(505, assertThrows(HttpProxyException.class,
                () -> HttpHeadParser.parse("GET http://x/ HTTP/2.0\r\n\r\n")).status());
    }
}
