package dev.alknet.transport.resume;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A fuzz input cut the way reads arrive: its first byte picks the cutting (pieces of 1 to 64 bytes, sizes
 * drawn from a generator seeded with it), the rest is the stream. Seed files stay plain: one byte, then the
 * bytes of the stream.
 */
record Pieces(byte[] stream, List<byte[]> pieces) {

    static Pieces of(byte[] input) {
        if (input.length == 0) {
            return new Pieces(input, List.of());
        }
        int seed = input[0] & 0xff;
        byte[] stream = Arrays.copyOfRange(input, 1, input.length);
        SplittableRandom r = new SplittableRandom(seed);
        int max = 1 + (seed & 63);
        List<byte[]> pieces = new ArrayList<>();
        for (int off = 0; off < stream.length; ) {
            int n = Math.min(stream.length - off, 1 + r.nextInt(max));
            pieces.add(Arrays.copyOfRange(stream, off, off + n));
            off += n;
        }
        return new Pieces(stream, pieces);
    }

    /** The same stream in one piece. */
    Pieces whole() {
        return new Pieces(stream, stream.length == 0 ? List.of() : List.of(stream));
    }
}
