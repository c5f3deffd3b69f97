package dev.alknet.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class ConnectionsPerAddressTest {

    @Test
    void limitsEachAddressSeparatelyAndGivesSlotsBack() throws Exception {
        ConnectionsPerAddress c = new ConnectionsPerAddress(2);
        InetAddress a = InetAddress.getByName("203.0.113.5");
        InetAddress b = InetAddress.getByName("2001:db8::5");
        assertTrue(c.tryAcquire(a));
        assertTrue(c.tryAcquire(a));
        assertFalse(c.tryAcquire(a));
        assertTrue(c.tryAcquire(b), "another address has its own count");
        c.release(a);
        assertEquals(1, c.count(a));
        assertTrue(c.tryAcquire(a));
        c.release(a);
        c.release(a);
        c.release(a); // never below zero
        assertEquals(0, c.count(a));
    }

    @Test
    void zeroIsUnlimited() throws Exception {
        ConnectionsPerAddress c = new ConnectionsPerAddress(0);
        InetAddress a = InetAddress.getByName("203.0.113.5");
        for (int i = 0; i < 1000; i++) {
            assertTrue(c.tryAcquire(a));
        }
    }
}
