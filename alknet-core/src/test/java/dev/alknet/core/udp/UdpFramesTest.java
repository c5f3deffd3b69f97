package dev.alknet.core.udp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class UdpFramesTest {

    @Test
    void encodedIpv4AndIpv6FramesDecodeToTheirSourceAndData() throws Exception {
        byte[] data = "hello".getBytes(StandardCharsets.US_ASCII);
        for (String ip : List.of("192.0.2.7", "2001:db8::1")) {
            byte[] frame = UdpFrames.encode(new InetSocketAddress(InetAddress.getByName(ip), 5353), data, 0, 5);
            List<byte[]> bodies = decodeAll(frame);
            assertEquals(1, bodies.size());
            UdpFrames.Address a = UdpFrames.decodeAddress(bodies.get(0));
            assertEquals(InetAddress.getByName(ip), InetAddress.getByName(a.host()));
            assertEquals(5353, a.port());
            assertArrayEquals(data, Arrays.copyOfRange(bodies.get(0), a.length(), bodies.get(0).length));
        }
    }

    @Test
    void domainAddressesDecode() {
        byte[] body = body(3, "example.test", 53, "q");
        UdpFrames.Address a = UdpFrames.decodeAddress(body);
        assertEquals(UdpFrames.ATYP_DOMAIN, a.atyp());
        assertEquals("example.test", a.host());
        assertEquals(53, a.port());
        assertEquals(1 + 1 + 12 + 2, a.length());
    }

    @Test
    void malformedAddressesAreRejected() {
        assertNull(UdpFrames.decodeAddress(new byte[] {9, 1, 2, 3, 4, 0, 53})); // unknown ATYP
        assertNull(UdpFrames.decodeAddress(new byte[] {1, 1, 2, 3, 4, 0})); // truncated port
        assertNull(UdpFrames.decodeAddress(new byte[] {3, 0, 0, 53})); // empty name
        assertNull(UdpFrames.decodeAddress(new byte[] {3, 5, 'a', 'b', 0, 53})); // name longer than the bytes
        assertNull(UdpFrames.decodeAddress(new byte[0]));
    }

    @Test
    void framesSurviveAnySplitAcrossPackets() throws Exception {
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        List<byte[]> sent = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            byte[] data = new byte[i * 37];
            Arrays.fill(data, (byte) i);
            byte[] frame = UdpFrames.encode(new InetSocketAddress(InetAddress.getLoopbackAddress(), 1000 + i), data, 0,
                    data.length);
            sent.add(Arrays.copyOfRange(frame, 4, frame.length));
            stream.writeBytes(frame);
        }
        byte[] all = stream.toByteArray();
        for (int chunk : new int[] {1, 2, 3, 7, 64, all.length}) {
            UdpFrameDecoder d = new UdpFrameDecoder();
            List<byte[]> got = new ArrayList<>();
            for (int off = 0; off < all.length; off += chunk) {
                d.feed(all, off, Math.min(chunk, all.length - off), got::add);
            }
            assertEquals(sent.size(), got.size(), "chunk " + chunk);
            for (int i = 0; i < sent.size(); i++) {
                assertArrayEquals(sent.get(i), got.get(i), "frame " + i + ", chunk " + chunk);
            }
        }
    }

    @Test
    void lengthsOutOfRangeBreakTheStream() {
        byte[] huge = {0, 2, 0, 0}; // 131 072 > MAX_BODY
        byte[] tiny = {0, 0, 0, 2};
        assertThrows(UdpFrameDecoder.BadFrameException.class, () -> new UdpFrameDecoder().feed(huge, 0, 4, b -> { }));
        assertThrows(UdpFrameDecoder.BadFrameException.class, () -> new UdpFrameDecoder().feed(tiny, 0, 4, b -> { }));
        UdpFrameDecoder ok = new UdpFrameDecoder();
        List<byte[]> got = new ArrayList<>();
        assertThrows(UdpFrameDecoder.BadFrameException.class,
                () -> ok.feed(new byte[] {(byte) 0xFF, 0, 0, 0}, 0, 4, got::add));
        assertEquals(0, got.size());
    }

    @Test
    void payloadLimitsFollowTheAddressFamily() throws Exception {
        assertEquals(65_507, UdpFrames.maxPayload(new InetSocketAddress("127.0.0.1", 1)));
        assertEquals(65_527, UdpFrames.maxPayload(new InetSocketAddress(InetAddress.getByName("::1"), 1)));
    }

    private static List<byte[]> decodeAll(byte[] stream) throws Exception {
        List<byte[]> out = new ArrayList<>();
        new UdpFrameDecoder().feed(stream, 0, stream.length, out::add);
        return out;
    }

    private static byte[] body(int atyp, String name, int port, String data) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(atyp);
        b.write(name.length());
        b.writeBytes(name.getBytes(StandardCharsets.US_ASCII));
        b.write(port >> 8);
        b.write(port);
        b.writeBytes(data.getBytes(StandardCharsets.US_ASCII));
        return b.toByteArray();
    }
}
