package dev.alknet.tun;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The fake-IP responder and its pool. No root needed. */
class DnsTest {

    private static ByteBuffer query(String name, int type) {
        ByteBuffer q = ByteBuffer.allocate(512);
        q.putShort((short) 0x1234).putShort((short) 0x0100).putShort((short) 1).putShort((short) 0)
                .putShort((short) 0).putShort((short) 1);
        for (String l : name.split("\\.")) {
            q.put((byte) l.length()).put(l.getBytes(StandardCharsets.US_ASCII));
        }
        q.put((byte) 0).putShort((short) type).putShort((short) 1);
        q.put(new byte[] {0, 0, 41, 4, (byte) 0xd0, 0, 0, 0, 0, 0, 0}); // EDNS OPT, ignored
        return q;
    }

    private static ByteBuffer answer(FakeIpPool pool, String name, int type, boolean v6) {
        ByteBuffer q = query(name, type);
        byte[] r = Dns.respond(q, 0, q.position(), pool, v6);
        return r == null ? null : ByteBuffer.wrap(r);
    }

    @Test
    void aAndAaaaGetTheSameIndexAndOtherTypesNoData() {
        FakeIpPool pool = new FakeIpPool();
        ByteBuffer a = answer(pool, "Web.Test", 1, true);
        assertEquals(0x1234, a.getShort(0));
        assertEquals(0x8180, a.getShort(2) & 0xffff, "QR RD RA NOERROR");
        assertEquals(1, a.getShort(6), "one answer");
        assertEquals(0, a.getShort(10), "no EDNS echoed");
        int end = a.capacity();
        assertEquals(0xC6120100, a.getInt(end - 4), "198.18.1.0");
        assertEquals(Dns.TTL, a.getInt(end - 10));

        ByteBuffer aaaa = answer(pool, "web.test", 28, true);
        byte[] v6 = new byte[16];
        aaaa.get(aaaa.capacity() - 16, v6);
        assertArrayEquals(Net.fake6(0), v6);
        assertEquals("web.test", pool.nameOf4(0xC6120100));
        assertEquals("web.test", pool.nameOf6(v6));

        for (int type : new int[] {15, 16, 33, 65, 12}) {
            ByteBuffer r = answer(pool, "web.test", type, true);
            assertEquals(0x8180, r.getShort(2) & 0xffff);
            assertEquals(0, r.getShort(6), "NODATA for type " + type);
        }
        assertEquals(0, answer(pool, "web.test", 28, false).getShort(6), "AAAA is NODATA without IPv6");
        ByteBuffer other = answer(pool, "other.test", 1, true);
        assertEquals(0xC6120101, other.getInt(other.capacity() - 4), "the next name, the next address");
    }

    @Test
    void malformedQueriesGetFormErrOrNothing() {
        FakeIpPool pool = new FakeIpPool();
        ByteBuffer q = query("web.test", 1);
        q.put(12, (byte) 0xC0); // a compression pointer in the question
        byte[] r = Dns.respond(q, 0, q.position(), pool, true);
        assertEquals(1, r[3] & 0xf, "FORMERR");
        ByteBuffer resp = query("web.test", 1);
        resp.putShort(2, (short) 0x8100);
        assertNull(Dns.respond(resp, 0, resp.position(), pool, true), "responses are dropped");
        assertNull(Dns.respond(q, 0, 5, pool, true), "too short");
        ByteBuffer op = query("web.test", 1);
        op.putShort(2, (short) 0x2900); // opcode 5 (UPDATE)
        assertEquals(4, Dns.respond(op, 0, op.position(), pool, true)[3] & 0xf, "NOTIMP");
    }

    @Test
    void thePoolWrapsOldestFirstAndForgetsTheOldName() {
        FakeIpPool pool = new FakeIpPool(3);
        assertEquals(0, pool.indexFor("a"));
        assertEquals(1, pool.indexFor("b"));
        assertEquals(2, pool.indexFor("c"));
        assertEquals(0, pool.indexFor("A"), "known names keep their index");
        assertEquals(0, pool.indexFor("d"), "wraps to the oldest slot");
        assertEquals("d", pool.name(0));
        assertEquals(1, pool.indexFor("b"));
        assertEquals(1, pool.indexFor("a"), "the next oldest slot, b's");
        assertEquals("a", pool.name(1));
        assertEquals(2, pool.indexFor("b"), "b comes back with a new index");
        assertTrue(Net.isFake4(Net.fake4(Net.FAKE_SIZE - 1)));
        assertTrue(!Net.isFake4(Net.fake4(Net.FAKE_SIZE)) && !Net.isFake4(Net.TUN4) && !Net.isFake4(Net.PEER4));
    }
}
