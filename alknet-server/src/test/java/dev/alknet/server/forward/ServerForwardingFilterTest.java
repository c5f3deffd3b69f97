package dev.alknet.server.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alknet.core.config.HostPort;
import dev.alknet.core.forward.ForwardingRules;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ServerForwardingFilterTest {

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({"localhost, true", "LOCALHOST, true", "127.0.0.1, true", "127.9.8.7, true", "::1, true",
        "0:0:0:0:0:0:0:1, true", "'', false", "0.0.0.0, false", "::, false", "192.168.1.1, false",
        "example.com, false", "localhost.example.com, false", "127.0.0.1.nip.io, false", "*, false"})
    void onlyLoopbackIsLoopback(String host, boolean loopback) {
        assertEquals(loopback, ServerForwardingFilter.isLoopback(host));
    }

    @Test
    void remoteForwardsListenOnLoopbackUnlessAllowed() {
        ServerForwardingFilter strict = new ServerForwardingFilter(false);
        ServerForwardingFilter open = new ServerForwardingFilter(true);
        assertTrue(strict.canListen(new HostPort("localhost", 8080), null));
        assertTrue(strict.canListen(new HostPort("::1", 8080), null));
        assertTrue(open.canListen(new HostPort("", 8080), null));
        assertTrue(open.canListen(new HostPort("0.0.0.0", 8080), null));
    }

    @Test
    void privilegedPortsNeedAGrantThatNamesThem() {
        ServerForwardingFilter open = new ServerForwardingFilter(true);
        assertFalse(open.canListen(new HostPort("localhost", 80), null), "no key, no permitlisten");
        assertFalse(open.canListen(new HostPort("localhost", 1023), null));
        assertTrue(open.canListen(new HostPort("localhost", 1024), null));
        assertTrue(open.canListen(new HostPort("localhost", 0), null), "0: a free port");
    }

    @Test
    void drainingRefusesNewChannelsAndListeners() {
        ServerForwardingFilter f = new ServerForwardingFilter(true);
        assertTrue(f.canConnect(ForwardingRules.DIRECT_TCPIP, new HostPort("example.com", 80), null));
        f.stopAccepting();
        assertFalse(f.canConnect(ForwardingRules.DIRECT_TCPIP, new HostPort("example.com", 80), null));
        assertFalse(f.canListen(new HostPort("localhost", 8080), null));
    }
}
