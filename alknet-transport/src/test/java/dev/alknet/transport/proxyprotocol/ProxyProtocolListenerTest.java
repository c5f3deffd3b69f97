package dev.alknet.transport.proxyprotocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alknet.transport.Admission;
import dev.alknet.transport.Cidr;
import dev.alknet.transport.Endpoint;
import dev.alknet.transport.StreamAddresses;
import dev.alknet.transport.Streams;
import dev.alknet.transport.TransportListener;
import dev.alknet.transport.tcp.TcpTransport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A tcp listener with PROXY protocol, driven by a plain socket: what a balancer (or an attacker) sends. */
class ProxyProtocolListenerTest {

    private TransportListener listener;
    private final List<SocketAddress> admitted = new CopyOnWriteArrayList<>();
    private final CompletableFuture<SocketAddress> streamRemote = new CompletableFuture<>();
    private final CompletableFuture<byte[]> streamBytes = new CompletableFuture<>();

    @AfterEach
    void close() {
        if (listener != null) {
            listener.close();
        }
    }

    private int listen(String trusted) throws Exception {
        ProxyProtocol pp = new ProxyProtocol(List.of(Cidr.parse(trusted)), Duration.ofSeconds(2));
        Admission admission = peer -> {
            admitted.add(peer);
            return Admission.Slot.NONE;
        };
        listener = new TcpTransport(Duration.ofSeconds(5), null, pp).listen(new Endpoint("tcp", "127.0.0.1", 0),
                admission, ch -> {
                    streamRemote.complete(StreamAddresses.remote(ch));
                    Streams.Sink sink = new Streams.Sink(true);
                    sink.done.thenRun(() -> streamBytes.complete(sink.received()));
                    Streams.start(ch, sink);
                });
        return listener.localAddress().getPort();
    }

    /** Sends {@code bytes} and a FIN; returns what the server sent back until it closed (or null on a reset). */
    private static byte[] send(int port, byte[] bytes) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(bytes);
            s.shutdownOutput();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            try {
                in.transferTo(got);
            } catch (java.net.SocketException reset) {
                return null;
            }
            return got.toByteArray();
        }
    }

    /** Sends {@code bytes} and a FIN, waits until the server has them all, then closes. */
    private void sendNoWait(int port, byte[] bytes) throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.getOutputStream().write(bytes);
            s.shutdownOutput();
            streamBytes.get(10, TimeUnit.SECONDS);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static byte[] v2(byte[] src, int srcPort, byte[] dst, int dstPort) {
        byte[] h = new byte[16 + 12];
        System.arraycopy(ForgedHeaderCheck.V2, 0, h, 0, 12);
        h[12] = 0x21; // v2, PROXY
        h[13] = 0x11; // TCP over IPv4
        h[15] = 12;
        System.arraycopy(src, 0, h, 16, 4);
        System.arraycopy(dst, 0, h, 20, 4);
        h[24] = (byte) (srcPort >> 8);
        h[25] = (byte) srcPort;
        h[26] = (byte) (dstPort >> 8);
        h[27] = (byte) dstPort;
        return h;
    }

    private static final byte[] PAYLOAD = "SSH-2.0-test\r\nand then some bytes\u0000\u00ff".getBytes(StandardCharsets.ISO_8859_1);

    @Test
    void trustedV1HeaderNamesTheClientAndTheBytesAfterItArriveByteExact() throws Exception {
        int port = listen("127.0.0.0/8");
        byte[] header = "PROXY TCP4 192.0.2.7 127.0.0.1 5555 22\r\n".getBytes(StandardCharsets.US_ASCII);
        sendNoWait(port, concat(header, PAYLOAD));
        assertEquals(new InetSocketAddress("192.0.2.7", 5555), streamRemote.get(10, TimeUnit.SECONDS));
        assertArrayEquals(PAYLOAD, streamBytes.get(10, TimeUnit.SECONDS));
        assertEquals(List.of(new InetSocketAddress("192.0.2.7", 5555)), admitted, "admission counts the client");
    }

    @Test
    void trustedV2HeaderNamesTheClient() throws Exception {
        int port = listen("127.0.0.1");
        byte[] header = v2(new byte[] {(byte) 198, 51, 100, 9}, 40000, new byte[] {127, 0, 0, 1}, 22);
        sendNoWait(port, concat(header, PAYLOAD));
        assertEquals(new InetSocketAddress("198.51.100.9", 40000), streamRemote.get(10, TimeUnit.SECONDS));
        assertArrayEquals(PAYLOAD, streamBytes.get(10, TimeUnit.SECONDS));
    }

    @Test
    void trustedSourceWithoutHeaderIsClosedUnheard() throws Exception {
        int port = listen("127.0.0.0/8");
        byte[] back = send(port, PAYLOAD);
        assertTrue(back == null || back.length == 0);
        assertFalse(streamRemote.isDone(), "never handed to the server");
        assertTrue(admitted.isEmpty());
    }

    @Test
    void forgedHeaderFromAnUntrustedSourceIsRefused() throws Exception {
        int port = listen("10.0.0.0/8");
        byte[] v1 = "PROXY TCP4 10.1.2.3 127.0.0.1 5555 22\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] back = send(port, concat(v1, PAYLOAD));
        assertTrue(back == null || back.length == 0);
        byte[] v2 = v2(new byte[] {10, 1, 2, 3}, 1, new byte[] {127, 0, 0, 1}, 22);
        back = send(port, concat(v2, PAYLOAD));
        assertTrue(back == null || back.length == 0);
        assertTrue(!streamBytes.isDone() || streamBytes.get().length == 0, "no forged bytes reached the server");
    }

    @Test
    void untrustedSourceWithoutHeaderIsServedAsItself() throws Exception {
        int port = listen("10.0.0.0/8");
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.getOutputStream().write(PAYLOAD);
            s.shutdownOutput();
            assertArrayEquals(PAYLOAD, streamBytes.get(10, TimeUnit.SECONDS));
        }
        InetSocketAddress remote = (InetSocketAddress) streamRemote.get(10, TimeUnit.SECONDS);
        assertEquals(InetAddress.getLoopbackAddress(), remote.getAddress());
    }

    @Test
    void badHeaderFromTrustedSourceIsClosed() throws Exception {
        int port = listen("127.0.0.0/8");
        byte[] back = send(port, "PROXY TCP4 not-an-address\r\n".getBytes(StandardCharsets.US_ASCII));
        assertTrue(back == null || back.length == 0);
        assertFalse(streamRemote.isDone());
    }

    @Test
    void localHeaderIsAHealthCheckAndClosed() throws Exception {
        int port = listen("127.0.0.1");
        byte[] local = new byte[16];
        System.arraycopy(ForgedHeaderCheck.V2, 0, local, 0, 12);
        local[12] = 0x20; // v2, LOCAL
        byte[] back = send(port, concat(local, PAYLOAD));
        assertTrue(back == null || back.length == 0);
        assertFalse(streamRemote.isDone());
        assertTrue(admitted.isEmpty(), "takes no slot");
    }

    @Test
    void cidrs() {
        assertTrue(Cidr.parse("10.0.0.0/8").contains(addr("10.200.1.1")));
        assertFalse(Cidr.parse("10.0.0.0/8").contains(addr("11.0.0.1")));
        assertTrue(Cidr.parse("127.0.0.2").contains(addr("127.0.0.2")));
        assertFalse(Cidr.parse("127.0.0.2").contains(addr("127.0.0.1")));
        assertTrue(Cidr.parse("fd00::/8").contains(addr("fd12::1")));
        assertFalse(Cidr.parse("fd00::/8").contains(addr("10.0.0.1")));
        assertTrue(Cidr.parse("0.0.0.0/0").contains(addr("203.0.113.5")));
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("example.com"));
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.0.0/33"));
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.0.0/"));
    }

    private static InetAddress addr(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
