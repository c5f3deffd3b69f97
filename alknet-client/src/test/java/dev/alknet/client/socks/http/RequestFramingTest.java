package dev.alknet.client.socks.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RequestFramingTest {

    private static RequestFraming framing(String version, String fields) throws HttpProxyException {
        return RequestFraming.of(HttpHeadParser.parse("POST http://a/ " + version + "\r\n" + fields + "\r\n"));
    }

    @Test
    void lengthChunkedOrNothing() throws Exception {
        assertEquals(new RequestFraming(false, 12), framing("HTTP/1.1", "Content-Length: 12\r\n"));
        assertEquals(new RequestFraming(true, 0), framing("HTTP/1.1", "Transfer-Encoding: Chunked\r\n"));
        assertEquals(RequestFraming.NONE, framing("HTTP/1.1", "Accept: */*\r\n"));
        assertEquals(RequestFraming.NONE, framing("HTTP/1.0", ""));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n",
        "Transfer-Encoding: chunked\r\nContent-Length: 0\r\n",
        "Content-Length: 5\r\nContent-Length: 5\r\n",
        "Content-Length: 5\r\ncontent-length: 6\r\n",
        "Content-Length: 5, 5\r\n",
        "Content-Length: +5\r\n",
        "Content-Length: -1\r\n",
        "Content-Length: 0x10\r\n",
        "Content-Length: \r\n",
        "Content-Length: 99999999999999999999\r\n",
        "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n"})
    void ambiguousFramingIs400(String fields) {
        assertEquals(400, assertThrows(HttpProxyException.class, () -> framing("HTTP/1.1", fields)).status());
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip, chunked", "chunked, chunked", "identity", "xchunked", "chunked;q=1"})
    void otherCodingsAre501(String te) {
        assertEquals(501, assertThrows(HttpProxyException.class,
                () -> framing("HTTP/1.1", "Transfer-Encoding: " + te + "\r\n")).status());
    }

    @Test
    void chunkedFromAnHttp10ClientIs400() {
        assertEquals(400, assertThrows(HttpProxyException.class,
                () -> framing("HTTP/1.0", "Transfer-Encoding: chunked\r\n")).status());
    }
}
