package dev.alknet.client.socks;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class SocksExposureTest {

    @Test
    void loopbackOrCredentialsNeedNoWarning() throws Exception {
        assertTrue(SocksExposure.warning(new InetSocketAddress("127.0.0.1", 1080), false).isEmpty());
        assertTrue(SocksExposure.warning(new InetSocketAddress("127.0.0.2", 1080), false).isEmpty());
        assertTrue(SocksExposure.warning(new InetSocketAddress(InetAddress.getByName("::1"), 1080), false).isEmpty());
        assertTrue(SocksExposure.warning(new InetSocketAddress("0.0.0.0", 1080), true).isEmpty());
    }

    @Test
    void anyOtherAddressWithoutCredentialsIsWarnedAbout() throws Exception {
        String all = SocksExposure.warning(new InetSocketAddress("0.0.0.0", 1080), false).orElseThrow();
        assertTrue(all.startsWith("warning: ") && all.contains("every interface") && all.contains("--socks-user"), all);
        assertTrue(SocksExposure.warning(new InetSocketAddress(InetAddress.getByName("::"), 1), false).isPresent());
        String lan = SocksExposure.warning(new InetSocketAddress("192.168.1.5", 1080), false).orElseThrow();
        assertTrue(lan.contains("192.168.1.5 port 1080"), lan);
    }
}
