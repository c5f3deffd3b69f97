package dev.alknet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Pre-authentication limits of a real {@code alknet serve}, attacked from several loopback source addresses:
 * TLS peers that never finish a handshake are counted at accept, so one over {@code --max-conns-per-ip} is closed
 * without a byte and the others are closed by the handshake limit; {@code --max-pending} holds over many addresses;
 * a QUIC Initial gets a Retry and no connection, and its token is worthless from another address.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class PreAuthLimitsEndToEndTest {

    private static E2e.Keys keys;

    @BeforeAll
    static void keys() throws Exception {
        keys = E2e.keys();
    }

    @Test
    void tlsPeersAreCountedAtAcceptPerAddressAndInAll() throws Exception {
        try (Cli.Running server = Cli.Running.alknet("serve", "--home", keys.dir().toString(),
                "--listen", "tls://127.0.0.1:0", "--allow", "loopback", "--max-conns-per-ip", "4",
                "--max-pending", "10", "--handshake-timeout", "20s")) {
            int port = Integer.parseInt(ForwardFixtures.awaitGroup(server, "listening on tls://127\\.0\\.0\\.1:(\\d+)"));

            // per address: four silent peers from 127.0.0.2 are held, the fifth is refused at accept
            List<Socket> held = open(port, "127.0.0.2", 5);
            E2e.await(() -> ForwardFixtures.count(server, "connection limit from 127.0.0.2: refused") == 1,
                    Duration.ofSeconds(20), server::stderrText);
            for (Socket s : held) {
                E2e.Outcome o = E2e.drain(s, Duration.ofSeconds(60));
                assertEquals(0, o.received().length, o.toString());
                assertTrue(o.closed(), "closed by the refusal or by the handshake limit: " + o);
            }
            closeAll(held);

            // in all: 4 from each of 127.0.0.3-5 (under the per-address limit) meet --max-pending 10
            List<Socket> many = new ArrayList<>();
            for (int a = 3; a <= 5; a++) {
                many.addAll(open(port, "127.0.0." + a, 4));
            }
            E2e.await(() -> ForwardFixtures.count(server, "pending handshake limit: refused") == 2,
                    Duration.ofSeconds(20), server::stderrText);
            // full now: a newcomer from yet another address is refused too
            many.addAll(open(port, "127.0.0.6", 1));
            E2e.await(() -> ForwardFixtures.count(server, "pending handshake limit: refused 127.0.0.6") == 1,
                    Duration.ofSeconds(20), server::stderrText);
            for (Socket s : many) {
                E2e.Outcome o = E2e.drain(s, Duration.ofSeconds(60));
                assertTrue(o.closed() && o.received().length == 0, o.toString());
            }
            closeAll(many);

            // the slots came back: a real client gets its tunnel
            try (Cli.Running connect = Cli.Running.alknet("connect", "tls://127.0.0.1:" + port,
                    "--home", keys.dir().toString(), "--socks", "127.0.0.1:" + E2e.freePort())) {
                connect.awaitLine(l -> l.contains("tunnel up"), Duration.ofSeconds(60));
            }
            assertTrue(server.process.isAlive());
        }
    }

    @Test
    void quicInitialsGetARetryAndNoStateAndTheTokenIsBoundToTheAddress() throws Exception {
        try (Cli.Running server = Cli.Running.alknet("serve", "--home", keys.dir().toString(),
                "--listen", "quic://127.0.0.1:0", "--allow", "loopback", "--log-level", "debug");
                DatagramSocket victim = bound("127.0.0.2");
                DatagramSocket spoofer = bound("127.0.0.3")) {
            int port = Integer.parseInt(ForwardFixtures.awaitGroup(server, "listening on quic://127\\.0\\.0\\.1:(\\d+)"));
            InetSocketAddress to = new InetSocketAddress("127.0.0.1", port);

            byte[] scid = random(8);
            victim.send(initial(random(8), scid, new byte[0], to));
            byte[] token = retryToken(victim, scid);
            assertNotNull(token, "an Initial without a token is answered with a Retry");
            assertTrue(token.length > 0);

            // the token seen on the wire, sent from another address: dropped, no answer, no connection
            spoofer.send(initial(random(8), random(8), token, to));
            // and a forged one from the address it claims
            byte[] forged = token.clone();
            forged[10] ^= 1;
            victim.send(initial(random(8), random(8), forged, to));
            spoofer.setSoTimeout(2000);
            assertEquals(null, receive(spoofer), "nothing is sent to a spoofed source with a stolen token");

            // a real client (127.0.0.1) follows the Retry and gets in; its packets come after the attacker's
            try (Cli.Running connect = Cli.Running.alknet("connect", "quic://127.0.0.1:" + port,
                    "--home", keys.dir().toString(), "--socks", "127.0.0.1:" + E2e.freePort())) {
                connect.awaitLine(l -> l.contains("tunnel up"), Duration.ofSeconds(60));
            }
            server.awaitLine(l -> l.contains("QUIC connection from /127.0.0.1:"), Duration.ofSeconds(20));
            assertEquals(0, ForwardFixtures.count(server, "QUIC connection from /127.0.0.2"), "no state for the victim");
            assertEquals(0, ForwardFixtures.count(server, "QUIC connection from /127.0.0.3"), "none for the spoofer");
        }
    }

    private static List<Socket> open(int port, String from, int n) throws IOException {
        List<Socket> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Socket s = new Socket();
            s.bind(new InetSocketAddress(from, 0));
            s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            out.add(s);
        }
        return out;
    }

    private static void closeAll(List<Socket> sockets) throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
    }

    // ---- a raw QUIC v1 Initial (RFC 9000 17.2.2): header only matters, the payload is never decrypted ----

    private static DatagramSocket bound(String address) throws IOException {
        return new DatagramSocket(new InetSocketAddress(address, 0));
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        ThreadLocalRandom.current().nextBytes(b);
        return b;
    }

    private static DatagramPacket initial(byte[] dcid, byte[] scid, byte[] token, InetSocketAddress to) {
        ByteBuffer b = ByteBuffer.allocate(1200);
        b.put((byte) 0xC3).putInt(1);
        b.put((byte) dcid.length).put(dcid).put((byte) scid.length).put(scid);
        putVarint(b, token.length);
        b.put(token);
        int rest = b.remaining() - 2; // after the 2-byte length field: packet number and payload
        b.putShort((short) (0x4000 | rest));
        b.put(random(rest));
        return new DatagramPacket(b.array(), b.capacity(), to);
    }

    private static void putVarint(ByteBuffer b, int v) {
        if (v < 64) {
            b.put((byte) v);
        } else {
            b.putShort((short) (0x4000 | v));
        }
    }

    /** The token of a Retry addressed to {@code scid}, or null if none came within 10 s. */
    private static byte[] retryToken(DatagramSocket s, byte[] scid) throws IOException {
        s.setSoTimeout(10_000);
        byte[] p = receive(s);
        if (p == null || (p[0] & 0xF0) != 0xF0) {
            return null; // not a long-header Retry
        }
        int at = 5;
        int dl = p[at++];
        assertTrue(Arrays.equals(scid, Arrays.copyOfRange(p, at, at + dl)), "Retry to our connection id");
        at += dl;
        int sl = p[at++];
        at += sl;
        return Arrays.copyOfRange(p, at, p.length - 16); // the rest, less the integrity tag
    }

    private static byte[] receive(DatagramSocket s) throws IOException {
        byte[] buf = new byte[2048];
        DatagramPacket d = new DatagramPacket(buf, buf.length);
        try {
            s.receive(d);
        } catch (SocketTimeoutException e) {
            return null;
        }
        return Arrays.copyOf(buf, d.getLength());
    }
}
