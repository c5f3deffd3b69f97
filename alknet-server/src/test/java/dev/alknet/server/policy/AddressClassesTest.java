package dev.alknet.server.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.alknet.server.dial.HostLiteral;
import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The class table: which class each address (in whatever form a client may write it) lands in. The first class listed
 * is the one checked; "-" means none of loopback, link-local, metadata, private, self, multicast.
 */
class AddressClassesTest {

    @ParameterizedTest(name = "{0} in {1}")
    @CsvSource({
        "127.0.0.1, loopback", "127.1, loopback", "2130706433, loopback", "0x7f.1, loopback", "0177.0.0.1, loopback",
        "127.0.0.1., loopback", "127.255.255.254, loopback", "'::1', loopback", "'::ffff:127.0.0.1', loopback",
        "'::127.0.0.1', loopback", "'64:ff9b::7f00:1', loopback", "'2002:7f00:1::', loopback",
        "'::ffff:7f00:1', loopback",
        "169.254.169.254, link-local", "169.254.169.254, metadata", "'fe80::1', link-local", "'fe80::1%1', link-local",
        "'64:ff9b::a9fe:a9fe', metadata",
        "169.254.170.2, metadata", "169.254.170.23, metadata", "169.254.169.123, metadata", "169.254.169.253, metadata",
        "169.254.0.23, metadata", "168.63.129.16, metadata", "100.100.100.200, metadata", "192.0.0.192, metadata",
        "'fd00:ec2::254', metadata", "'fd00:ec2::253', metadata", "'fd00:ec2::123', metadata",
        "'fd00:ec2::23', metadata", "'fd20:ce::254', metadata", "'::ffff:100.100.100.200', metadata",
        "0.0.0.0, self", "0, self", "0.1.2.3, self", "'::', self", "'::ffff:0.0.0.0', self", "255.255.255.255, self",
        "10.1.2.3, private", "'::ffff:10.1.2.3', private", "'64:ff9b::a01:203', private", "172.16.0.1, private",
        "192.168.1.1, private", "100.64.0.1, private", "'fd12::1', private",
        "224.0.0.1, multicast", "'ff02::1', multicast",
        "93.184.215.14, -", "'2606:2800:220:1::1', -", "168.63.129.17, -"})
    void classOf(String host, String expected) throws Exception {
        HostLiteral.Host h = HostLiteral.parse(host);
        InetAddress a = h.address();
        if (expected.equals("-")) {
            for (String c : AddressClasses.NAMES) {
                if (!c.equals("self")) {
                    assertEquals(false, AddressClasses.byName(c).matches(host, a), host + " is not " + c);
                }
            }
        } else {
            assertEquals(true, AddressClasses.byName(expected).matches(host, a), host + " -> " + a);
        }
    }

    @ParameterizedTest(name = "name {0} in {1}")
    @CsvSource({"localhost, loopback", "LOCALHOST, loopback", "localhost., loopback", "a.localhost, loopback",
        "metadata.google.internal, metadata", "metadata.google.internal., metadata", "metadata, metadata",
        "metadata.tencentyun.com, metadata", "instance-data.ec2.internal, metadata"})
    void protectedNames(String name, String cls) {
        assertEquals(true, AddressClasses.byName(cls).matches(name.toLowerCase(java.util.Locale.ROOT), null), name);
    }
}
