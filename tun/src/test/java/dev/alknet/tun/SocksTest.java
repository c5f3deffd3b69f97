package dev.alknet.tun;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/** The CONNECT requests alknet-tun writes. */
class SocksTest {

    @Test
    void namesAreAlwaysAtyp3EvenWhenTheyLookNumericAndAddressesAreAtyp1Or4() {
        assertArrayEquals(new byte[] {5, 1, 0, 3, 4, '1', '2', '3', '4', 0, 80}, Socks.request("1234", false, 80));
        assertArrayEquals(new byte[] {5, 1, 0, 1, 10, 0, 0, 1, 1, (byte) 187}, Socks.request("10.0.0.1", true, 443));
        byte[] v6 = Socks.request("fd23:2::1", true, 22);
        assertArrayEquals(new byte[] {5, 1, 0, 4, (byte) 0xfd, 0x23, 0, 2}, java.util.Arrays.copyOf(v6, 8));
    }
}
