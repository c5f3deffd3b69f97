package dev.alknet.tun;

import java.nio.ByteBuffer;

/**
 * IPv4/IPv6 header offsets, the in-place TCP address rewrite, and the few packets alknet-tun writes itself (TCP
 * reset, UDP reply, ICMP port unreachable). All offsets are absolute; buffers are big-endian.
 */
final class Packets {

    static final int TCP = 6;
    static final int UDP = 17;
    static final int ICMP = 1;
    static final int ICMPV6 = 58;

    static final int FIN = 0x01;
    static final int SYN = 0x02;
    static final int RST = 0x04;
    static final int ACK = 0x10;

    private Packets() {
    }

    static int u16(ByteBuffer b, int off) {
        return b.getShort(off) & 0xffff;
    }

    /** Copies the {@code len}-byte address at {@code off}. */
    static byte[] addr(ByteBuffer b, int off, int len) {
        byte[] a = new byte[len];
        b.get(off, a);
        return a;
    }

    /** Copies the 16-byte IPv6 address at {@code off}. */
    static byte[] addr6(ByteBuffer b, int off) {
        byte[] a = new byte[16];
        b.get(off, a);
        return a;
    }

    // ---- the NAT rewrite ----

    /** Rewrites a TCP/IPv4 packet's addresses and ports, fixing both checksums incrementally. */
    static void rewrite4(ByteBuffer p, int l4, int src, int sport, int dst, int dport) {
        rewrite4(p, l4, src, sport, dst, dport, false);
    }

    /**
     * As above; with {@code partial} the TCP checksum field holds only the pseudo-header sum (an offloaded packet):
     * only the address change enters it, the ports are summed later with the rest of the segment.
     */
    static void rewrite4(ByteBuffer p, int l4, int src, int sport, int dst, int dport, boolean partial) {
        int oldSrc = p.getInt(12);
        int oldDst = p.getInt(16);
        long ipDelta = Checksum.delta(oldSrc >>> 16, src >>> 16) + Checksum.delta(oldSrc & 0xffff, src & 0xffff)
                + Checksum.delta(oldDst >>> 16, dst >>> 16) + Checksum.delta(oldDst & 0xffff, dst & 0xffff);
        long l4Delta = ipDelta + Checksum.delta(u16(p, l4), sport) + Checksum.delta(u16(p, l4 + 2), dport);
        p.putInt(12, src);
        p.putInt(16, dst);
        p.putShort(l4, (short) sport);
        p.putShort(l4 + 2, (short) dport);
        p.putShort(10, (short) Checksum.adjust(u16(p, 10), ipDelta));
        p.putShort(l4 + 16, (short) (partial ? Checksum.adjustPartial(u16(p, l4 + 16), ipDelta)
                : Checksum.adjust(u16(p, l4 + 16), l4Delta)));
    }

    /** Rewrites a TCP/IPv6 packet (no extension headers: TCP at 40) and fixes the TCP checksum incrementally. */
    static void rewrite6(ByteBuffer p, int l4, byte[] src, int sport, byte[] dst, int dport) {
        rewrite6(p, l4, src, sport, dst, dport, false);
    }

    /** As above; {@code partial} as for {@link #rewrite4(ByteBuffer, int, int, int, int, int, boolean)}. */
    static void rewrite6(ByteBuffer p, int l4, byte[] src, int sport, byte[] dst, int dport, boolean partial) {
        long addrDelta = 0;
        for (int i = 0; i < 16; i += 2) {
            addrDelta += Checksum.delta(u16(p, 8 + i), ((src[i] & 0xff) << 8) | (src[i + 1] & 0xff));
            addrDelta += Checksum.delta(u16(p, 24 + i), ((dst[i] & 0xff) << 8) | (dst[i + 1] & 0xff));
        }
        long delta = addrDelta + Checksum.delta(u16(p, l4), sport) + Checksum.delta(u16(p, l4 + 2), dport);
        p.put(8, src);
        p.put(24, dst);
        p.putShort(l4, (short) sport);
        p.putShort(l4 + 2, (short) dport);
        p.putShort(l4 + 16, (short) (partial ? Checksum.adjustPartial(u16(p, l4 + 16), addrDelta)
                : Checksum.adjust(u16(p, l4 + 16), delta)));
    }

    /**
     * Completes an offloaded packet's checksum as the kernel would ({@code skb_checksum_help}): sums from
     * {@code start} to {@code n} (the field holds the pseudo-header sum) and stores the result at
     * {@code start + offset}. Afterwards the packet is an ordinary, fully checksummed one.
     */
    static void completeChecksum(ByteBuffer p, int n, int start, int offset) {
        if (start + offset + 2 > n) {
            throw new IllegalArgumentException("checksum offset outside the packet");
        }
        int folded = Checksum.finish(Checksum.add(p, start, n - start, 0));
        p.putShort(start + offset, (short) (folded == 0 ? 0xffff : folded));
    }

    // ---- building packets ----

    /** An IP header for a reply to {@code orig}: source and destination swapped. Returns the L4 offset. */
    private static int replyHeader(ByteBuffer out, ByteBuffer orig, boolean v6, int proto, int l4Length) {
        if (v6) {
            out.putInt(0, 0x60000000);
            out.putShort(4, (short) l4Length);
            out.put(6, (byte) proto);
            out.put(7, (byte) 64);
            for (int i = 0; i < 16; i++) {
                out.put(8 + i, orig.get(24 + i));
                out.put(24 + i, orig.get(8 + i));
            }
            return 40;
        }
        out.put(0, (byte) 0x45);
        out.put(1, (byte) 0);
        out.putShort(2, (short) (20 + l4Length));
        out.putInt(4, 0);
        out.put(8, (byte) 64);
        out.put(9, (byte) proto);
        out.putShort(10, (short) 0);
        out.putInt(12, orig.getInt(16));
        out.putInt(16, orig.getInt(12));
        out.putShort(10, (short) Checksum.finish(Checksum.add(out, 0, 20, 0)));
        return 20;
    }

    /** Fills in the checksum of an L4 segment (TCP, UDP or ICMPv6) with the pseudo-header of {@code pkt}. */
    private static void l4Checksum(ByteBuffer pkt, boolean v6, int l4, int l4Length, int proto, int field) {
        long sum;
        if (v6) {
            sum = Checksum.add(pkt, 8, 32, 0) + l4Length + proto;
        } else {
            sum = Checksum.add(pkt, 12, 8, 0) + l4Length + proto;
        }
        pkt.putShort(l4 + field, (short) 0);
        sum = Checksum.add(pkt, l4, l4Length, sum);
        int c = Checksum.finish(sum);
        if (proto == UDP && c == 0) {
            c = 0xffff;
        }
        pkt.putShort(l4 + field, (short) c);
    }

    /**
     * A TCP reset answering {@code orig} (whose TCP header is at {@code l4} and which is {@code length} bytes long),
     * as a closed port would send it (RFC 9293 3.10.7.1): the application sees "connection refused" or "reset".
     */
    static ByteBuffer tcpReset(ByteBuffer orig, boolean v6, int l4, int length) {
        int hl = v6 ? 40 : 20;
        ByteBuffer out = ByteBuffer.allocate(hl + 20);
        int o = replyHeader(out, orig, v6, TCP, 20);
        int flags = orig.get(l4 + 13) & 0xff;
        int dataOffset = ((orig.get(l4 + 12) & 0xff) >>> 4) * 4;
        out.putShort(o, orig.getShort(l4 + 2));
        out.putShort(o + 2, orig.getShort(l4));
        if ((flags & ACK) != 0) {
            out.putInt(o + 4, orig.getInt(l4 + 8));
            out.putInt(o + 8, 0);
            out.put(o + 13, (byte) RST);
        } else {
            int segLen = length - l4 - dataOffset + ((flags & SYN) != 0 ? 1 : 0) + ((flags & FIN) != 0 ? 1 : 0);
            out.putInt(o + 4, 0);
            out.putInt(o + 8, orig.getInt(l4 + 4) + segLen);
            out.put(o + 13, (byte) (RST | ACK));
        }
        out.put(o + 12, (byte) 0x50);
        out.putShort(o + 14, (short) 0);
        out.putShort(o + 18, (short) 0);
        l4Checksum(out, v6, o, 20, TCP, 16);
        return out;
    }

    /** A UDP datagram answering {@code orig} (UDP header at {@code l4}) with {@code payload}. */
    static ByteBuffer udpReply(ByteBuffer orig, boolean v6, int l4, byte[] payload) {
        int hl = v6 ? 40 : 20;
        int udpLength = 8 + payload.length;
        ByteBuffer out = ByteBuffer.allocate(hl + udpLength);
        int o = replyHeader(out, orig, v6, UDP, udpLength);
        out.putShort(o, orig.getShort(l4 + 2));
        out.putShort(o + 2, orig.getShort(l4));
        out.putShort(o + 4, (short) udpLength);
        out.put(o + 8, payload);
        l4Checksum(out, v6, o, udpLength, UDP, 6);
        return out;
    }

    /**
     * A UDP datagram from {@code src:sport} to {@code dst:dport} (4- or 16-byte addresses, same family) carrying
     * {@code len} bytes of {@code payload} from {@code off}; both checksums filled in.
     */
    static ByteBuffer udp(byte[] src, int sport, byte[] dst, int dport, byte[] payload, int off, int len) {
        boolean v6 = src.length == 16;
        int udpLength = 8 + len;
        ByteBuffer out = ByteBuffer.allocate((v6 ? 40 : 20) + udpLength);
        int o;
        if (v6) {
            out.putInt(0, 0x60000000).putShort(4, (short) udpLength).put(6, (byte) UDP).put(7, (byte) 64);
            out.put(8, src).put(24, dst);
            o = 40;
        } else {
            out.put(0, (byte) 0x45).putShort(2, (short) (20 + udpLength)).put(8, (byte) 64).put(9, (byte) UDP);
            out.put(12, src).put(16, dst);
            out.putShort(10, (short) Checksum.finish(Checksum.add(out, 0, 20, 0)));
            o = 20;
        }
        out.putShort(o, (short) sport).putShort(o + 2, (short) dport).putShort(o + 4, (short) udpLength);
        out.put(o + 8, payload, off, len);
        l4Checksum(out, v6, o, udpLength, UDP, 6);
        return out;
    }

    /**
     * ICMP destination unreachable / port unreachable (ICMPv6: type 1 code 4) quoting {@code orig}, sent as if from
     * the address {@code orig} was sent to. A connected UDP socket then fails with ECONNREFUSED.
     */
    static ByteBuffer portUnreachable(ByteBuffer orig, boolean v6, int length) {
        int hl = v6 ? 40 : 20;
        int quote = Math.min(length, v6 ? 1280 - 48 : 576 - 28);
        int icmpLength = 8 + quote;
        ByteBuffer out = ByteBuffer.allocate(hl + icmpLength);
        int o = replyHeader(out, orig, v6, v6 ? ICMPV6 : ICMP, icmpLength);
        out.put(o, (byte) (v6 ? 1 : 3));
        out.put(o + 1, (byte) (v6 ? 4 : 3));
        out.putShort(o + 2, (short) 0);
        out.putInt(o + 4, 0);
        for (int i = 0; i < quote; i++) {
            out.put(o + 8 + i, orig.get(i));
        }
        if (v6) {
            l4Checksum(out, true, o, icmpLength, ICMPV6, 2);
        } else {
            out.putShort(o + 2, (short) Checksum.finish(Checksum.add(out, o, icmpLength, 0)));
        }
        return out;
    }
}
