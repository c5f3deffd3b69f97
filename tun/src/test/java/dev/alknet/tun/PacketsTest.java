package dev.alknet.tun;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The NAT rewrite keeps checksums valid; the packets alknet-tun builds are well formed. No root needed. */
class PacketsTest {

    private final SplittableRandom random = new SplittableRandom(42);

    /** A random TCP/IPv4 packet with correct checksums. */
    private ByteBuffer tcp4(int payload) {
        ByteBuffer p = ByteBuffer.allocate(20 + 20 + payload);
        p.put(0, (byte) 0x45).putShort(2, (short) p.capacity()).putShort(6, (short) 0x4000).put(8, (byte) 64)
                .put(9, (byte) 6).putInt(12, random.nextInt()).putInt(16, random.nextInt());
        p.putShort(20, (short) random.nextInt(65536)).putShort(22, (short) random.nextInt(65536))
                .putInt(24, random.nextInt()).putInt(28, random.nextInt()).put(32, (byte) 0x50).put(33, (byte) 0x18)
                .putShort(34, (short) 65535);
        for (int i = 40; i < p.capacity(); i++) {
            p.put(i, (byte) random.nextInt(256));
        }
        p.putShort(10, (short) Checksum.finish(Checksum.add(p, 0, 20, 0)));
        p.putShort(36, (short) l4Sum(p, false, 20, 6));
        return p;
    }

    private ByteBuffer tcp6(int payload) {
        ByteBuffer p = ByteBuffer.allocate(40 + 20 + payload);
        p.putInt(0, 0x60000000).putShort(4, (short) (20 + payload)).put(6, (byte) 6).put(7, (byte) 64);
        for (int i = 8; i < 40; i++) {
            p.put(i, (byte) random.nextInt(256));
        }
        p.putShort(40, (short) random.nextInt(65536)).putShort(42, (short) random.nextInt(65536))
                .putInt(44, random.nextInt()).putInt(48, random.nextInt()).put(52, (byte) 0x50).put(53, (byte) 0x10);
        for (int i = 60; i < p.capacity(); i++) {
            p.put(i, (byte) random.nextInt(256));
        }
        p.putShort(56, (short) l4Sum(p, true, 40, 6));
        return p;
    }

    /** The full L4 checksum over pseudo-header and segment, with the checksum field treated as 0. */
    static int l4Sum(ByteBuffer p, boolean v6, int l4, int proto) {
        int len = p.capacity() - l4;
        int field = proto == 6 ? 16 : proto == 17 ? 6 : 2;
        ByteBuffer c = ByteBuffer.allocate(p.capacity());
        c.put(0, p, 0, p.capacity());
        c.putShort(l4 + field, (short) 0);
        long sum = v6 ? Checksum.add(c, 8, 32, 0) : Checksum.add(c, 12, 8, 0);
        if (proto == 1) {
            sum = 0;
        } else {
            sum += len + proto;
        }
        return Checksum.finish(Checksum.add(c, l4, len, sum));
    }

    @Test
    void incrementalRewriteMatchesAFullRecomputeIpv4() {
        for (int i = 0; i < 2000; i++) {
            ByteBuffer p = tcp4(random.nextInt(0, 100));
            Packets.rewrite4(p, 20, random.nextInt(), random.nextInt(65536), random.nextInt(), random.nextInt(65536));
            assertEquals(0, Checksum.finish(Checksum.add(p, 0, 20, 0)), "IP header verifies");
            assertEquals(l4Sum(p, false, 20, 6), Packets.u16(p, 36), "TCP checksum");
        }
    }

    /** What an offloading kernel leaves in the TCP checksum field: the folded pseudo-header sum, uncomplemented. */
    private static void makePartial(ByteBuffer p, boolean v6, int l4) {
        long sum = v6 ? Checksum.add(p, 8, 32, 0) : Checksum.add(p, 12, 8, 0);
        sum += (p.capacity() - l4) + 6;
        p.putShort(l4 + 16, (short) ~Checksum.finish(sum));
    }

    @Test
    void offloadedPacketsKeepAPartialSumThatCompletesToTheRightChecksum() {
        for (int i = 0; i < 2000; i++) {
            boolean v6 = (i & 1) == 1;
            ByteBuffer p = v6 ? tcp6(random.nextInt(0, 3000)) : tcp4(random.nextInt(0, 3000));
            int l4 = v6 ? 40 : 20;
            makePartial(p, v6, l4);
            if (v6) {
                byte[] a = new byte[16];
                byte[] b = new byte[16];
                random.nextBytes(a);
                random.nextBytes(b);
                Packets.rewrite6(p, l4, a, random.nextInt(65536), b, random.nextInt(65536), true);
            } else {
                Packets.rewrite4(p, l4, random.nextInt(), random.nextInt(65536), random.nextInt(), random.nextInt(65536),
                        true);
                assertEquals(0, Checksum.finish(Checksum.add(p, 0, 20, 0)), "IP header verifies");
            }
            ByteBuffer expectedPartial = ByteBuffer.allocate(p.capacity());
            expectedPartial.put(0, p, 0, p.capacity());
            makePartial(expectedPartial, v6, l4);
            assertEquals(Packets.u16(expectedPartial, l4 + 16), Packets.u16(p, l4 + 16), "partial sum");
            int full = l4Sum(p, v6, l4, 6);
            Packets.completeChecksum(p, p.capacity(), l4, 16);
            assertEquals(full == 0 ? 0xffff : full, Packets.u16(p, l4 + 16), "completed checksum");
        }
    }

    @Test
    void incrementalRewriteMatchesAFullRecomputeIpv6() {
        for (int i = 0; i < 2000; i++) {
            ByteBuffer p = tcp6(random.nextInt(0, 100));
            byte[] a = new byte[16];
            byte[] b = new byte[16];
            random.nextBytes(a);
            random.nextBytes(b);
            Packets.rewrite6(p, 40, a, random.nextInt(65536), b, random.nextInt(65536));
            assertEquals(l4Sum(p, true, 40, 6), Packets.u16(p, 56));
            assertArrayEquals(a, Packets.addr6(p, 8));
            assertArrayEquals(b, Packets.addr6(p, 24));
        }
    }

    @Test
    void rfc1624Example() {
        // RFC 1624 section 4: HC = 0xDD2F, m = 0x5555 -> m' = 0x3285 gives HC' = 0x0000
        assertEquals(0x0000, Checksum.adjust(0xDD2F, Checksum.delta(0x5555, 0x3285)));
    }

    @Test
    void resetAnswersASynWithRstAckAndSwappedEndpoints() {
        ByteBuffer syn = tcp4(0);
        syn.put(33, (byte) Packets.SYN);
        int seq = syn.getInt(24);
        ByteBuffer r = Packets.tcpReset(syn, false, 20, 40);
        assertEquals(0, Checksum.finish(Checksum.add(r, 0, 20, 0)));
        assertEquals(l4Sum(r, false, 20, 6), Packets.u16(r, 36));
        assertEquals(syn.getInt(16), r.getInt(12));
        assertEquals(syn.getInt(12), r.getInt(16));
        assertEquals(syn.getShort(22), r.getShort(20));
        assertEquals(syn.getShort(20), r.getShort(22));
        assertEquals(Packets.RST | Packets.ACK, r.get(33));
        assertEquals(seq + 1, r.getInt(28));

        ByteBuffer ack6 = tcp6(10);
        ByteBuffer r6 = Packets.tcpReset(ack6, true, 40, 70);
        assertEquals(Packets.RST, r6.get(53));
        assertEquals(ack6.getInt(48), r6.getInt(44), "seq = their ack");
        assertEquals(l4Sum(r6, true, 40, 6), Packets.u16(r6, 56));
    }

    @Test
    void udpReplyAndPortUnreachableAreChecksummed() {
        ByteBuffer q = ByteBuffer.allocate(20 + 8 + 5);
        q.put(0, (byte) 0x45).putShort(2, (short) 33).put(8, (byte) 64).put(9, (byte) 17).putInt(12, 0x0a000001)
                .putInt(16, 0x0a000002).putShort(20, (short) 40000).putShort(22, (short) 53).putShort(24, (short) 13);
        ByteBuffer r = Packets.udpReply(q, false, 20, new byte[] {1, 2, 3});
        assertEquals(0, Checksum.finish(Checksum.add(r, 0, 20, 0)));
        assertEquals(l4Sum(r, false, 20, 17), Packets.u16(r, 26));
        assertEquals(53, Packets.u16(r, 20));
        assertEquals(40000, Packets.u16(r, 22));

        ByteBuffer icmp = Packets.portUnreachable(q, false, 33);
        assertEquals(0, Checksum.finish(Checksum.add(icmp, 0, 20, 0)));
        assertEquals(3, icmp.get(20));
        assertEquals(3, icmp.get(21));
        assertEquals(0, Checksum.finish(Checksum.add(icmp, 20, icmp.capacity() - 20, 0)));
        assertEquals(0x0a000002, icmp.getInt(12));
        assertEquals(0x45, icmp.get(28), "quotes the original header");

        ByteBuffer q6 = ByteBuffer.allocate(40 + 8 + 4);
        q6.putInt(0, 0x60000000).putShort(4, (short) 12).put(6, (byte) 17).put(7, (byte) 64);
        q6.put(23, (byte) 1).put(39, (byte) 2).putShort(40, (short) 1234).putShort(42, (short) 5353)
                .putShort(44, (short) 12);
        ByteBuffer i6 = Packets.portUnreachable(q6, true, 52);
        assertEquals(1, i6.get(40));
        assertEquals(4, i6.get(41));
        assertEquals(l4Sum(i6, true, 40, 58), Packets.u16(i6, 42));
        assertEquals(2, i6.get(23), "sent from the address the datagram was for");
    }
}
