package dev.alknet.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/** Loopback UDP destinations for the UDP ASSOCIATE tests, each a socket and a daemon thread. */
final class UdpTestServers {

    private UdpTestServers() {
    }

    /** Answers each datagram: "size:N" with N bytes of 'x', anything else with itself. IPv4 and IPv6. */
    static final class Echo implements AutoCloseable {
        final DatagramSocket socket;
        final AtomicInteger received = new AtomicInteger();

        Echo() throws IOException {
            socket = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("::"), 0));
            E2e.daemon("udp-echo", this::loop);
        }

        int port() {
            return socket.getLocalPort();
        }

        private void loop() {
            byte[] buf = new byte[65_536];
            while (!socket.isClosed()) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    socket.receive(p);
                    received.incrementAndGet();
                    byte[] answer = answer(Arrays.copyOf(p.getData(), p.getLength()));
                    socket.send(new DatagramPacket(answer, answer.length, p.getSocketAddress()));
                } catch (IOException e) {
                    if (socket.isClosed()) {
                        return;
                    }
                }
            }
        }

        private static byte[] answer(byte[] got) {
            String text = new String(got, 0, Math.min(got.length, 16), StandardCharsets.US_ASCII);
            if (text.startsWith("size:")) {
                byte[] big = new byte[Integer.parseInt(text.substring(5).trim())];
                Arrays.fill(big, (byte) 'x');
                return big;
            }
            return got;
        }

        @Override
        public void close() {
            socket.close();
        }
    }

    /**
     * A DNS server (RFC 1035) for the zone {@code alknet.test} on 127.0.0.1: {@code hostN.alknet.test} has the A
     * record 10.0.0.N, every other name is NXDOMAIN.
     */
    static final class Dns implements AutoCloseable {
        final DatagramSocket socket;
        final AtomicInteger queries = new AtomicInteger();

        Dns() throws IOException {
            socket = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            E2e.daemon("udp-dns", this::loop);
        }

        int port() {
            return socket.getLocalPort();
        }

        private void loop() {
            byte[] buf = new byte[512];
            while (!socket.isClosed()) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    socket.receive(p);
                    queries.incrementAndGet();
                    byte[] answer = answer(Arrays.copyOf(p.getData(), p.getLength()));
                    socket.send(new DatagramPacket(answer, answer.length, p.getSocketAddress()));
                } catch (IOException | RuntimeException e) {
                    if (socket.isClosed()) {
                        return;
                    }
                }
            }
        }

        static byte[] answer(byte[] q) {
            int at = 12;
            StringBuilder name = new StringBuilder();
            while (q[at] != 0) {
                int len = q[at];
                if (name.length() > 0) {
                    name.append('.');
                }
                name.append(new String(q, at + 1, len, StandardCharsets.US_ASCII));
                at += len + 1;
            }
            int questionEnd = at + 1 + 4; // root label, QTYPE, QCLASS
            String n = name.toString();
            Integer host = n.matches("host\\d{1,3}\\.alknet\\.test") ? Integer.valueOf(n.substring(4, n.indexOf('.')))
                    : null;
            ByteArrayOutputStream r = new ByteArrayOutputStream();
            r.write(q[0]);
            r.write(q[1]); // ID
            r.write(0x81); // QR, opcode 0, RD
            r.write(host != null ? 0x80 : 0x83); // RA, RCODE 0 or 3 (NXDOMAIN)
            r.writeBytes(new byte[] {0, 1, 0, (byte) (host != null ? 1 : 0), 0, 0, 0, 0});
            r.write(q, 12, questionEnd - 12);
            if (host != null) {
                r.writeBytes(new byte[] {(byte) 0xC0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 10, 0, 0, host.byteValue()});
            }
            return r.toByteArray();
        }

        /** A standard query for the A record of {@code name} with this ID. */
        static byte[] query(int id, String name) {
            ByteArrayOutputStream q = new ByteArrayOutputStream();
            q.writeBytes(new byte[] {(byte) (id >> 8), (byte) id, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0});
            for (String label : name.split("\\.")) {
                q.write(label.length());
                q.writeBytes(label.getBytes(StandardCharsets.US_ASCII));
            }
            q.writeBytes(new byte[] {0, 0, 1, 0, 1});
            return q.toByteArray();
        }

        @Override
        public void close() {
            socket.close();
        }
    }
}
