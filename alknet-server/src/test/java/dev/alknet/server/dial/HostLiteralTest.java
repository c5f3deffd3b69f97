package dev.alknet.server.dial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The host parser: every form inet_aton(3) accepts is an address, names stay names, the rest is refused. */
class HostLiteralTest {

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({
        "127.0.0.1, 127.0.0.1",
        "127.1, 127.0.0.1",
        "127.0.1, 127.0.0.1",
        "2130706433, 127.0.0.1",
        "0x7f000001, 127.0.0.1",
        "0x7f.1, 127.0.0.1",
        "0X7F.0.0.1, 127.0.0.1",
        "0177.0.0.1, 127.0.0.1",
        "0177.1, 127.0.0.1",
        "017700000001, 127.0.0.1",
        "127.0.0.1., 127.0.0.1",
        "[127.0.0.1], 127.0.0.1",
        "169.254.43518, 169.254.169.254",
        "0xa9fea9fe, 169.254.169.254",
        "010.0.0.1, 8.0.0.1",
        "1.2.3.04, 1.2.3.4",
        "0, 0.0.0.0",
        "0x, 0.0.0.0",
        "4294967295, 255.255.255.255",
        "'::ffff:127.0.0.1', 127.0.0.1",
        "'[::ffff:127.0.0.1]', 127.0.0.1",
        "'::ffff:7f00:1', 127.0.0.1",
        "'::127.0.0.1', 127.0.0.1",
        "'::1', 0:0:0:0:0:0:0:1",
        "'[::1]', 0:0:0:0:0:0:0:1",
        "'::', 0:0:0:0:0:0:0:0",
        "'64:ff9b::7f00:1', 64:ff9b:0:0:0:0:7f00:1",
        "'2002:7f00:1::', 2002:7f00:1:0:0:0:0:0",
        "'fd00:ec2::254', fd00:ec2:0:0:0:0:0:254"})
    void addresses(String host, String address) {
        HostLiteral.Host h = HostLiteral.parse(host);
        assertTrue(h.isAddress(), host + " -> " + h);
        assertEquals(address, h.address().getHostAddress());
    }

    @ParameterizedTest
    @ValueSource(strings = {"example.com", "localhost", "localhost.", "a-b_c.example", "0x7f.example", "127.0.0.1.nip.io",
        "1e100.net", "0x1g", "metadata.google.internal", "xn--bcher-kva.example"})
    void names(String host) {
        HostLiteral.Host h = HostLiteral.parse(host);
        assertEquals(HostLiteral.Kind.NAME, h.kind(), host + " -> " + h);
        assertEquals(host, h.name());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "[]", "1.2.3.4.5", "256.0.0.1", "1.2.3.256", "1.16777216", "4294967296", "08.0.0.1",
        "a.1", "example.123", "127.0.0.1..", ".127.0.0.1", "a..b", "127.0.0.1 x", "127.0.0.1\t",
        "127.0.0.1\u0000", "loc\u0430lhost", "evil@127.0.0.1", "127.0.0.1/8", "host%2f", "a\r\nHost: x",
        "1::2::3", "::ffff:0177.0.0.1", "::ffff:017.0.0.1", "fe80::1%", "fe80::1%a b", "::1%nosuchif0", "g::1"})
    void refused(String host) {
        HostLiteral.Host h = HostLiteral.parse(host);
        assertEquals(HostLiteral.Kind.INVALID, h.kind(), host + " -> " + h);
    }

    @ParameterizedTest
    @ValueSource(strings = {"fe80::1%1", "[fe80::1%1]"})
    void zoneIdsKeepTheAddress(String host) {
        HostLiteral.Host h = HostLiteral.parse(host);
        assertTrue(h.isAddress(), host + " -> " + h);
        assertTrue(h.address().isLinkLocalAddress(), h.toString());
    }
}
