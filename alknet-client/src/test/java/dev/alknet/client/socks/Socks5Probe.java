package dev.alknet.client.socks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** A SOCKS5 client written byte by byte, so tests control framing exactly. */
final class Socks5Probe {

    static final byte CONNECT = 1;
    static final byte BIND = 2;
    static final byte UDP_ASSOCIATE = 3;
    static final byte[] GREETING = {5, 1, 0};

    private Socks5Probe() {
    }

    static Socket open(InetSocketAddress socks) throws IOException {
        Socket s = new Socket();
        s.setSoTimeout(15_000);
        s.connect(socks, 5_000);
        return s;
    }

    static byte[] request(byte cmd, byte atyp, byte[] addr, int port) {
        boolean domain = atyp == 3;
        byte[] r = new byte[4 + (domain ? 1 : 0) + addr.length + 2];
        r[0] = 5;
        r[1] = cmd;
        r[3] = atyp;
        int i = 4;
        if (domain) {
            r[i++] = (byte) addr.length;
        }
        System.arraycopy(addr, 0, r, i, addr.length);
        i += addr.length;
        r[i] = (byte) (port >> 8);
        r[i + 1] = (byte) port;
        return r;
    }

    static byte[] connectIp(InetAddress ip, int port) {
        return request(CONNECT, (byte) (ip.getAddress().length == 4 ? 1 : 4), ip.getAddress(), port);
    }

    static byte[] connectDomain(String host, int port) {
        return request(CONNECT, (byte) 3, host.getBytes(StandardCharsets.US_ASCII), port);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** Sends greeting and request in two writes and returns the reply code. */
    static int handshake(Socket s, byte[] request) throws IOException {
        s.getOutputStream().write(GREETING);
        s.getOutputStream().flush();
        readMethodReply(s.getInputStream());
        s.getOutputStream().write(request);
        s.getOutputStream().flush();
        return readReply(s.getInputStream());
    }

    static void readMethodReply(InputStream in) throws IOException {
        byte[] m = new byte[2];
        new DataInputStream(in).readFully(m);
        assertArrayEquals(new byte[] {5, 0}, m, "method selection");
    }

    /** Reads a complete reply (RFC 1928 §6) and returns REP. */
    static int readReply(InputStream in) throws IOException {
        DataInputStream d = new DataInputStream(in);
        byte[] head = new byte[4];
        d.readFully(head);
        assertEquals(5, head[0], "reply version");
        int addrLen = switch (head[3]) {
            case 1 -> 4;
            case 4 -> 16;
            case 3 -> d.readUnsignedByte();
            default -> throw new IOException("bad ATYP in reply: " + head[3]);
        };
        d.readFully(new byte[addrLen + 2]);
        return head[1] & 0xFF;
    }

    /** Connects through SOCKS to 127.0.0.1:port and checks the reply is SUCCESS. */
    static Socket connected(InetSocketAddress socks, int port) throws IOException {
        Socket s = open(socks);
        assertEquals(0, handshake(s, connectIp(InetAddress.getLoopbackAddress(), port)), "reply");
        return s;
    }

    static byte[] readAll(InputStream in) throws IOException {
        return in.readAllBytes();
    }

    /** True if the server closed (EOF or reset) without sending a single byte. */
    static boolean closedWithoutBytes(Socket s) throws IOException {
        try {
            return s.getInputStream().read() == -1;
        } catch (SocketException reset) {
            return true;
        }
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new java.util.Random(seed).nextBytes(b);
        return b;
    }
}
