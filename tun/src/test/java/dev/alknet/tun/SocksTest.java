package dev.alknet.tun;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.DataInputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The requests alknet-tun writes. */
class SocksTest {

    @Test
    void namesAreAlwaysAtyp3EvenWhenTheyLookNumericAndAddressesAreAtyp1Or4() {
        assertArrayEquals(new byte[] {5, 1, 0, 3, 4, '1', '2', '3', '4', 0, 80}, Socks.request("1234", false, 80));
        assertArrayEquals(new byte[] {5, 1, 0, 1, 10, 0, 0, 1, 1, (byte) 187}, Socks.request("10.0.0.1", true, 443));
        byte[] v6 = Socks.request("fd23:2::1", true, 22);
        assertArrayEquals(new byte[] {5, 1, 0, 4, (byte) 0xfd, 0x23, 0, 2}, java.util.Arrays.copyOf(v6, 8));
    }

    /**
     * RFC 1928 section 7: the UDP ASSOCIATE names the exact address and port the datagrams will come from (the
     * socket handed back), not 0.0.0.0:0, which would let the relay belong to the first local sender.
     */
    @Test
    void udpAssociateAnnouncesTheBoundSourceOfItsDatagrams() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<byte[]> request = CompletableFuture.supplyAsync(() -> {
                try (Socket s = server.accept()) {
                    DataInputStream in = new DataInputStream(s.getInputStream());
                    in.readFully(new byte[3]);
                    s.getOutputStream().write(new byte[] {5, 0});
                    byte[] r = new byte[10];
                    in.readFully(r);
                    s.getOutputStream().write(new byte[] {5, 0, 0, 1, 127, 0, 0, 1, 0x30, 0x39});
                    in.read(); // until the client closes
                    return r;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Socks.Association a = Socks.udpAssociate((InetSocketAddress) server.getLocalSocketAddress(), 5000);
            try {
                InetSocketAddress bound = (InetSocketAddress) a.datagrams().getLocalAddress();
                a.control().close();
                byte[] r = request.get(5, TimeUnit.SECONDS);
                assertArrayEquals(new byte[] {5, 3, 0, 1, 127, 0, 0, 1}, java.util.Arrays.copyOf(r, 8), "ASSOCIATE");
                assertEquals(bound.getPort(), ((r[8] & 0xff) << 8) | (r[9] & 0xff), "DST.PORT is the bound port");
                assertEquals(InetAddress.getLoopbackAddress(), bound.getAddress(), "on the control's address");
                assertEquals(new InetSocketAddress(InetAddress.getLoopbackAddress(), 12345), a.relay());
            } finally {
                a.datagrams().close();
                a.control().close();
            }
        }
    }
}
