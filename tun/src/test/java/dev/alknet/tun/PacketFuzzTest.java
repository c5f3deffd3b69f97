package dev.alknet.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * What an application in the captured namespace can write into the TUN: any bytes as an IP packet, and any
 * bytes as a DNS query to the fake-IP responder. The packet is given in a buffer of exactly its length, so
 * reading past the packet is an exception here (in the engine it would silently read a stale packet); the
 * engine answers (a reset, a DNS answer, port unreachable) or drops, and never throws. No root needed: the
 * "TUN" is /dev/null and SOCKS connects are refused at once (as when too many are under way).
 */
class PacketFuzzTest {

    private static final FakeIpPool POOL = new FakeIpPool();
    private static final TunDevice DEV_NULL = devNull();
    private static final ServerSocketChannel LISTENER = listener();

    private static TunDevice devNull() {
        try {
            return TunDevice.over(new RandomAccessFile("/dev/null", "rw"), "fuzz0");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ServerSocketChannel listener() {
        try {
            return ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Engine engine(boolean v6) throws Exception {
        Engine e = new Engine(DEV_NULL, new InetSocketAddress(InetAddress.getLoopbackAddress(), 1), LISTENER,
                v6 ? LISTENER : null, POOL, 1000);
        ThreadPoolExecutor refusing = new ThreadPoolExecutor(1, 1, 1, TimeUnit.SECONDS, new SynchronousQueue<>());
        refusing.shutdown();
        Field f = Engine.class.getDeclaredField("connector");
        f.setAccessible(true);
        f.set(e, refusing);
        return e;
    }

    @FuzzTest(maxDuration = "60s")
    void ipPacket(byte[] packet) throws Exception {
        if (packet.length == 0) {
            return; // a read of 0 bytes never reaches handle()
        }
        for (boolean v6 : new boolean[] {false, true}) {
            Engine e = engine(v6);
            ByteBuffer p = ByteBuffer.allocate(packet.length);
            p.put(0, packet);
            e.handle(p, packet.length);
            // the same packet again: now a flow may exist (a refused one)
            p.clear();
            p.put(0, packet);
            e.handle(p, packet.length);
        }
    }

    @FuzzTest(maxDuration = "60s")
    void dnsQuery(byte[] query) {
        for (boolean v6 : new boolean[] {false, true}) {
            byte[] answer = Dns.respond(ByteBuffer.wrap(query), 0, query.length, POOL, v6);
            if (answer != null) {
                assertTrue(answer.length >= 12, "answer shorter than a DNS header");
                assertEquals(query[0], answer[0], "ID");
                assertEquals(query[1], answer[1], "ID");
                assertTrue((answer[2] & 0x80) != 0, "QR bit");
                assertTrue(answer.length <= 65535 - 8, "answer does not fit a UDP datagram");
            }
        }
    }
}
