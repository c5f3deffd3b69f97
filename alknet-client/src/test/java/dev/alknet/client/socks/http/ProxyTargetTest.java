package dev.alknet.client.socks.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ProxyTargetTest {

    @ParameterizedTest
    @CsvSource({"example.test:443, example.test, 443", "127.0.0.1:8080, 127.0.0.1, 8080", "'[::1]:22', ::1, 22",
        "'[2001:db8::5]:65535', 2001:db8::5, 65535"})
    void connectAuthorities(String authority, String host, int port) throws Exception {
        ProxyTarget t = ProxyTarget.authority(authority);
        assertEquals(host, t.host());
        assertEquals(port, t.port());
    }

    @ParameterizedTest
    @ValueSource(strings = {"example.test", "example.test:", "example.test:0", "example.test:65536", ":80",
        "::1:80", "[::1", "[::1]80", "[nonsense]:80", "host:8x"})
    void badConnectAuthoritiesAre400(String authority) {
        assertEquals(400, assertThrows(HttpProxyException.class, () -> ProxyTarget.authority(authority)).status());
    }

    @ParameterizedTest
    @CsvSource({
        "http://example.test/a/b?c=d, example.test, 80, /a/b?c=d, example.test",
        "HTTP://example.test, example.test, 80, /, example.test",
        "http://example.test:8080?q, example.test, 8080, /?q, example.test:8080",
        "http://[::1]:9000/x#frag, ::1, 9000, /x, '[::1]:9000'",
        "http://127.0.0.1/, 127.0.0.1, 80, /, 127.0.0.1"})
    void absoluteUris(String uri, String host, int port, String path, String hostHeader) throws Exception {
        ProxyTarget t = ProxyTarget.absolute(uri);
        assertEquals(host, t.host());
        assertEquals(port, t.port());
        assertEquals(path, t.pathAndQuery());
        assertEquals(hostHeader, t.hostHeader());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/index.html", "https://example.test/", "ftp://example.test/",
        "http://user:pw@example.test/", "http:///path", "http://example.test:99999/", "http://a\\@b/",
        "http://a%40b/", "http://a\tb/", "http://a/x\ty", "http://a/\u00e9", "http://a;b/", "http://a,b/"})
    void nonProxyTargetsAre400(String uri) {
        assertEquals(400, assertThrows(HttpProxyException.class, () -> ProxyTarget.absolute(uri)).status());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Host: example.test\r\n", "host: EXAMPLE.test:80\r\n"})
    void aMatchingOrNoHostFieldIsFine(String fields) throws Exception {
        HttpHead h = HttpHeadParser.parse("GET http://example.test/ HTTP/1.1\r\n" + fields + "\r\n");
        ProxyTarget.absolute(h.target()).checkHostFields(h);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Host: other.test\r\n", "Host: example.test:8080\r\n",
        "Host: example.test\r\nHost: example.test\r\n", "Host: \r\n", "Host: example.test/x\r\n"})
    void aHostFieldThatContradictsTheUriIs400(String fields) throws Exception {
        HttpHead h = HttpHeadParser.parse("GET http://example.test/ HTTP/1.1\r\n" + fields + "\r\n");
        ProxyTarget t = ProxyTarget.absolute(h.target());
        assertEquals(400, assertThrows(HttpProxyException.class, () -> t.checkHostFields(h)).status());
    }
}
