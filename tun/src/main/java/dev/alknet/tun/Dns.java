package dev.alknet.tun;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The fake-IP DNS responder: A gets a fake IPv4, AAAA a fake IPv6 (NODATA when IPv6 is not captured), every other
 * type NODATA (NOERROR, no answer). No query ever leaves the machine; the name is resolved by whoever receives the
 * SOCKS CONNECT (the alknet server).
 */
final class Dns {

    static final int TYPE_A = 1;
    static final int TYPE_AAAA = 28;
    static final int TTL = 5;

    private static final int NOERROR = 0;
    private static final int FORMERR = 1;
    private static final int SERVFAIL = 2;
    private static final int NOTIMP = 4;

    private Dns() {
    }

    /** A parsed question: name (lower case, no trailing dot; "" for the root), type, class, and where it ends. */
    record Question(String name, int type, int qclass, int end) {
    }

    /**
     * The response to the query in {@code q[off..off+len)}, or null when it must be dropped (a response, or too short
     * to carry an ID).
     */
    static byte[] respond(ByteBuffer q, int off, int len, FakeIpPool pool, boolean ipv6) {
        if (len < 12) {
            return null;
        }
        int flags = Packets.u16(q, off + 2);
        if ((flags & 0x8000) != 0) {
            return null;
        }
        int opcode = (flags >>> 11) & 0xf;
        int qdcount = Packets.u16(q, off + 4);
        if (opcode != 0) {
            return header(q, off, flags, NOTIMP);
        }
        Question question = qdcount == 1 ? question(q, off, len) : null;
        if (question == null) {
            return header(q, off, flags, FORMERR);
        }
        byte[] address = null;
        if (question.qclass() == 1 && !question.name().isEmpty()
                && (question.type() == TYPE_A || question.type() == TYPE_AAAA && ipv6)) {
            int index = pool.indexFor(question.name());
            if (index < 0) {
                return header(q, off, flags, SERVFAIL); // every fake IP is in use: no name is remapped
            }
            address = question.type() == TYPE_A ? Net.bytes4(Net.fake4(index)) : Net.fake6(index);
        }
        int qlen = question.end() - (off + 12);
        int answerLen = address == null ? 0 : 12 + address.length;
        ByteBuffer r = ByteBuffer.allocate(12 + qlen + answerLen);
        r.putShort(q.getShort(off));
        r.putShort((short) (0x8000 | (flags & 0x0100) | 0x0080 | NOERROR)); // QR, RD copied, RA
        r.putShort((short) 1);
        r.putShort((short) (address == null ? 0 : 1));
        r.putShort((short) 0);
        r.putShort((short) 0);
        for (int i = 0; i < qlen; i++) {
            r.put(q.get(off + 12 + i));
        }
        if (address != null) {
            r.putShort((short) 0xC00C); // the name of the question
            r.putShort((short) question.type());
            r.putShort((short) 1);
            r.putInt(TTL);
            r.putShort((short) address.length);
            r.put(address);
        }
        return r.array();
    }

    /** Just a header echoing ID and RD, with an error code and no sections. */
    private static byte[] header(ByteBuffer q, int off, int flags, int rcode) {
        ByteBuffer r = ByteBuffer.allocate(12);
        r.putShort(q.getShort(off));
        r.putShort((short) (0x8000 | (flags & 0x7900) | 0x0080 | rcode));
        return r.array();
    }

    /** Parses the one question (uncompressed, as every stub resolver sends it), or null when malformed. */
    static Question question(ByteBuffer q, int off, int len) {
        int i = off + 12;
        int end = off + len;
        StringBuilder name = new StringBuilder();
        while (true) {
            if (i >= end) {
                return null;
            }
            int l = q.get(i) & 0xff;
            i++;
            if (l == 0) {
                break;
            }
            if (l > 63 || i + l > end) {
                return null; // a compression pointer or a label overrunning the packet
            }
            if (name.length() > 0) {
                name.append('.');
            }
            byte[] label = new byte[l];
            q.get(i, label);
            for (byte c : label) {
                if (c <= 0x20 || c >= 0x7f || c == '.') {
                    return null;
                }
            }
            name.append(new String(label, StandardCharsets.ISO_8859_1));
            i += l;
            if (name.length() > 253) {
                return null;
            }
        }
        if (i + 4 > end) {
            return null;
        }
        return new Question(name.toString().toLowerCase(java.util.Locale.ROOT), Packets.u16(q, i), Packets.u16(q, i + 2),
                i + 4);
    }
}
