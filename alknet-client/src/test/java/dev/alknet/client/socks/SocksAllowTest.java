package dev.alknet.client.socks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.alknet.client.SessionProvider;
import dev.alknet.transport.Cidr;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** --socks-allow: a source outside the list is closed without a reply; one inside gets the SOCKS5 answer. */
class SocksAllowTest {

    @Test
    void sourceOutsideTheListGetsNoReply() throws Exception {
        SessionProvider none = CompletableFuture::new;
        SocksServer server = SocksServer.start(new InetSocketAddress("127.0.0.1", 0), none,
                SocksOptions.defaults().withAllowedSources(List.of(Cidr.parse("127.0.0.2/32"))));
        try {
            assertEquals(-1, greet(server.localAddress().getPort(), "127.0.0.1"), "refused source: closed unanswered");
            assertEquals(5, greet(server.localAddress().getPort(), "127.0.0.2"), "allowed source: SOCKS5 reply");
        } finally {
            server.closeAll();
        }
    }

    /** Sends a SOCKS5 greeting (no auth) from {@code source}; the first byte back, -1 on close. */
    private static int greet(int port, String source) throws Exception {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(source, 0));
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write(new byte[] {5, 1, 0});
            InputStream in = s.getInputStream();
            try {
                return in.read();
            } catch (java.net.SocketException reset) {
                return -1;
            }
        }
    }
}
