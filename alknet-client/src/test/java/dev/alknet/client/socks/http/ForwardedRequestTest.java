package dev.alknet.client.socks.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ForwardedRequestTest {

    @Test
    void theOriginGetsAnOriginFormRequestWithoutHopByHopFieldsOrProxyCredentials() throws Exception {
        HttpHead h = HttpHeadParser.parse("POST http://example.test:8080/up?x=1 HTTP/1.1\r\n"
                + "Host: wrong.example\r\nProxy-Authorization: Basic eDp5\r\nProxy-Connection: keep-alive\r\n"
                + "Connection: keep-alive, X-Secret\r\nX-Secret: 1\r\nKeep-Alive: 5\r\nContent-Length: 3\r\n"
                + "Accept: */*\r\n\r\n");
        String out = new String(ForwardedRequest.head(h, ProxyTarget.absolute(h.target())),
                StandardCharsets.ISO_8859_1);
        assertEquals("POST /up?x=1 HTTP/1.1\r\nHost: example.test:8080\r\nContent-Length: 3\r\nAccept: */*\r\n"
                + "Connection: close\r\n\r\n", out);
    }

    @Test
    void fieldsThatFrameTheBodyStayEvenWhenConnectionNamesThem() throws Exception {
        HttpHead h = HttpHeadParser.parse("PUT http://[::1]/ HTTP/1.0\r\nConnection: Transfer-Encoding\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n");
        String out = new String(ForwardedRequest.head(h, ProxyTarget.absolute(h.target())),
                StandardCharsets.ISO_8859_1);
        assertEquals("PUT / HTTP/1.0\r\nHost: [::1]\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n", out);
    }
}
