package dev.alknet.core.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.alknet.core.udp.UdpFrameDecoder;
import dev.alknet.core.udp.UdpFrames;
import java.util.ArrayList;
import java.util.List;

/**
 * The UDP frame stream from a peer, cut at arbitrary SSH packet boundaries: frames come out with bodies in
 * the allowed range, or BadFrameException ends the stream; the same bytes in one piece give the same frames.
 */
class UdpFrameDecoderFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void arbitraryStream(FuzzedDataProvider data) {
        int cut = data.consumeInt(1, 64);
        byte[] stream = data.consumeRemainingAsBytes();
        List<byte[]> whole = decode(stream, stream.length);
        List<byte[]> pieces = decode(stream, cut);
        assertEquals(whole.size(), pieces.size(), "frame count depends on packet boundaries");
        for (int i = 0; i < whole.size(); i++) {
            assertArrayEquals(whole.get(i), pieces.get(i));
            int n = whole.get(i).length;
            if (n < UdpFrames.MIN_BODY || n > UdpFrames.MAX_BODY) {
                throw new AssertionError("frame body of " + n + " bytes");
            }
        }
    }

    /** Frames decoded until the first bad length (a bad stream yields the frames before it). */
    private static List<byte[]> decode(byte[] stream, int piece) {
        UdpFrameDecoder d = new UdpFrameDecoder();
        List<byte[]> out = new ArrayList<>();
        try {
            for (int off = 0; off < stream.length; off += Math.max(1, piece)) {
                d.feed(stream, off, Math.min(Math.max(1, piece), stream.length - off), out::add);
            }
        } catch (UdpFrameDecoder.BadFrameException expected) {
            // the channel is closed on this
        }
        return out;
    }
}
