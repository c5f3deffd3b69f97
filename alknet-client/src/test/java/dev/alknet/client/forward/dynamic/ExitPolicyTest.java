package dev.alknet.client.forward.dynamic;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.InetAddress;
import java.net.NetworkInterface;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ExitPolicyTest {

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.8.9.10", "::1", "0.0.0.0", "0.1.2.3", "::", "::ffff:127.0.0.1",
        "169.254.169.254", "fe80::1", "224.0.0.1", "ff02::1"})
    void thisMachineLinkLocalAndMulticastAreRefusedByDefault(String ip) throws Exception {
        assertNotNull(ExitPolicy.DEFAULT.refusal(InetAddress.getByName(ip)), ip);
    }

    @ParameterizedTest
    @ValueSource(strings = {"192.0.2.1", "10.1.2.3", "2001:db8::1", "8.8.8.8"})
    void elsewhereIsAllowed(String ip) throws Exception {
        assertNull(ExitPolicy.DEFAULT.refusal(InetAddress.getByName(ip)), ip);
    }

    @Test
    void ownInterfaceAddressesAreRefusedUnlessAllowed() throws Exception {
        for (NetworkInterface n : NetworkInterface.networkInterfaces().toList()) {
            for (InetAddress a : n.inetAddresses().toList()) {
                if (!a.isLinkLocalAddress()) {
                    assertNotNull(ExitPolicy.DEFAULT.refusal(a), a.toString());
                    assertNull(new ExitPolicy(true).refusal(a), a.toString());
                }
            }
        }
    }

    @Test
    void allowLocalStillRefusesLinkLocal() throws Exception {
        assertNotNull(new ExitPolicy(true).refusal(InetAddress.getByName("169.254.169.254")));
    }
}
