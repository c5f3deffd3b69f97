package dev.alknet.tun;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
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
        int ip = a.getInt(end - 4);
        assertTrue(Net.isFake4(ip), Net.text4(ip));
        assertEquals(Dns.TTL, a.getInt(end - 10));

        ByteBuffer aaaa = answer(pool, "web.test", 28, true);
        byte[] v6 = new byte[16];
        aaaa.get(aaaa.capacity() - 16, v6);
        assertArrayEquals(Net.fake6(ip - Net.FAKE4_FIRST), v6, "the same index");
        assertEquals("web.test", pool.nameOf4(ip));
        assertEquals("web.test", pool.nameOf6(v6));

        for (int type : new int[] {15, 16, 33, 65, 12}) {
            ByteBuffer r = answer(pool, "web.test", type, true);
            assertEquals(0x8180, r.getShort(2) & 0xffff);
            assertEquals(0, r.getShort(6), "NODATA for type " + type);
        }
        assertEquals(0, answer(pool, "web.test", 28, false).getShort(6), "AAAA is NODATA without IPv6");
        ByteBuffer other = answer(pool, "other.test", 1, true);
        assertTrue(other.getInt(other.capacity() - 4) != ip, "another name, another address");
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
    void indexesAreRandomAndAFullPoolForgetsOnlyTheLeastRecentlyUsedNameOnceItIsIdle() {
        long[] now = {0};
        long idle = 1000;
        FakeIpPool pool = new FakeIpPool(3, idle, () -> now[0]);
        int a = pool.indexFor("a");
        now[0] += 10;
        int b = pool.indexFor("b");
        now[0] += 10;
        int c = pool.indexFor("c");
        assertEquals(Set.of(0, 1, 2), Set.of(a, b, c));
        assertEquals(a, pool.indexFor("A"), "known names keep their index");
        assertEquals(-1, pool.indexFor("d"), "full, and every name used within the idle time: nothing is remapped");
        assertEquals("a", pool.name(a));
        now[0] += idle;
        pool.touch(b); // a flow to b is live
        assertEquals(a, pool.indexFor("a"));
        assertEquals(c, pool.indexFor("d"), "c, idle longest, goes; a and b were just used");
        assertEquals("d", pool.name(c));
        assertEquals(-1, pool.indexFor("c"), "c comes back only when another slot is idle");
        now[0] += idle;
        assertEquals("a", pool.nameOf4(Net.fake4(a)), "a connection to a fake IP counts as a use");
        pool.touch(Net.fake6(c)); // and so does a datagram to a fake IPv6 address
        assertEquals(b, pool.indexFor("e"), "b, idle longest now");
        assertEquals("a", pool.name(a));
        assertEquals("d", pool.name(c));
        assertTrue(Net.isFake4(Net.fake4(Net.FAKE_SIZE - 1)));
        assertTrue(!Net.isFake4(Net.fake4(Net.FAKE_SIZE)) && !Net.isFake4(Net.TUN4) && !Net.isFake4(Net.PEER4));
    }

    @Test
    void allocationIsNotSequentialAndAFullPoolAnswersServfail() {
        FakeIpPool pool = new FakeIpPool(4096, FakeIpPool.MIN_IDLE, System::nanoTime);
        int sequential = 0;
        int previous = -2;
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            int index = pool.indexFor("n" + i + ".test");
            assertTrue(seen.add(index), "index " + index + " handed out twice");
            sequential += index == previous + 1 ? 1 : 0;
            previous = index;
        }
        assertTrue(sequential < 10, sequential + " of 1000 allocations were the previous index + 1");
        FakeIpPool tiny = new FakeIpPool(1, FakeIpPool.MIN_IDLE, System::nanoTime);
        answer(tiny, "web.test", 1, true);
        assertEquals(2, answer(tiny, "other.test", 1, true).get(3) & 0xf, "SERVFAIL");
        assertEquals("web.test", tiny.name(0));
    }
}
