package dev.alknet.tun;

import java.nio.ByteBuffer;

/** The Internet checksum (RFC 1071), full and incremental (RFC 1624). */
final class Checksum {

    private Checksum() {
    }

    /** Adds {@code len} bytes at {@code off} as big-endian 16-bit words to {@code sum} (not folded). */
    static long add(ByteBuffer b, int off, int len, long sum) {
        int end = off + (len & ~1);
        int i = off;
        for (; i + 8 <= end; i += 8) {
            long w = b.getLong(i);
            sum += (w >>> 48) + ((w >>> 32) & 0xffff) + ((w >>> 16) & 0xffff) + (w & 0xffff);
        }
        for (; i < end; i += 2) {
            sum += b.getShort(i) & 0xffff;
        }
        if ((len & 1) != 0) {
            sum += (b.get(off + len - 1) & 0xff) << 8;
        }
        return sum;
    }

    static long add(byte[] b, long sum) {
        return add(ByteBuffer.wrap(b), 0, b.length, sum);
    }

    /** Folds and complements: the value to store in a checksum field. */
    static int finish(long sum) {
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) (~sum & 0xffff);
    }

    /**
     * RFC 1624 eqn. 3, for many words at once: {@code delta} is the sum of {@code ~old + new} over every changed
     * 16-bit word; returns the new checksum field.
     */
    static int adjust(int field, long delta) {
        long sum = (~field & 0xffff) + delta;
        return finish(sum);
    }

    /**
     * The same change for a field that holds a partial (pseudo-header) sum, as offloaded packets carry: that sum is
     * stored uncomplemented, so the delta is added straight in.
     */
    static int adjustPartial(int field, long delta) {
        long sum = (field & 0xffff) + delta;
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) sum;
    }

    /** {@code ~old + new} for one 16-bit word, to accumulate into a delta. */
    static long delta(int oldWord, int newWord) {
        return (~oldWord & 0xffff) + (newWord & 0xffff);
    }
}
