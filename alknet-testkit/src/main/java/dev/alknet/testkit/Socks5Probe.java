package dev.alknet.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;

/**
 * A SOCKS5 client written byte by byte (RFC 1928), so tests control framing and read exact reply codes: the static
 * methods build and read the messages on a socket the test holds; an instance is one connection to a SOCKS port.
 * A reply that breaks the protocol is an {@link IOException}.
 */
public final class Socks5Probe implements AutoCloseable {

    public static final byte CONNECT = 1;
    public static final byte BIND = 2;
    public static final byte UDP_ASSOCIATE = 3;
    /** Version 5, one method: no authentication. */
    public static final byte[] GREETING = {5, 1, 0};

    public final Socket socket;
    public final DataInputStream in;
    public final OutputStream out;

    /** Connects to 127.0.0.1:socksPort (reads time out after 40 s). */
    public Socks5Probe(int socksPort) throws IOException {
        socket = new Socket("127.0.0.1", socksPort);
        socket.setSoTimeout(40_000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /** Greets with no-auth and sends CONNECT to a domain in one write; returns the REP byte. */
    public int connectDomain(String host, int port) throws IOException {
        out.write(Bytes.concat(GREETING, connectDomainRequest(host, port)));
        out.flush();
        return readReply();
    }

    /** Reads the method reply (no-auth) and the command reply; returns REP. */
    public int readReply() throws IOException {
        return readMethodAndReply(in);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    // ---- messages on a socket the test holds ----

    /** A socket connected to {@code socks} within 5 s whose reads time out after 15 s. */
    public static Socket open(InetSocketAddress socks) throws IOException {
        return open(socks, 15_000);
    }

    public static Socket open(InetSocketAddress socks, int readTimeoutMillis) throws IOException {
        Socket s = new Socket();
        s.setSoTimeout(readTimeoutMillis);
        s.connect(socks, 5_000);
        return s;
    }

    /** A request (RFC 1928 §4) with raw address bytes; a domain (ATYP 3) gets its length byte here. */
    public static byte[] request(byte cmd, byte atyp, byte[] addr, int port) {
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

    public static byte[] connectIp(InetAddress ip, int port) {
        return request(CONNECT, (byte) (ip.getAddress().length == 4 ? 1 : 4), ip.getAddress(), port);
    }

    public static byte[] connectDomainRequest(String host, int port) {
        return request(CONNECT, (byte) 3, host.getBytes(StandardCharsets.US_ASCII), port);
    }

    /** The greeting (no-auth) followed by a request with this ATYP and raw address bytes (length byte included). */
    public static byte[] greetingAndRequest(int cmd, int atyp, byte[] address, int port) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[] {5, 1, 0, 5, (byte) cmd, 0, (byte) atyp});
        b.writeBytes(address);
        b.write(port >> 8);
        b.write(port);
        return b.toByteArray();
    }

    /** Sends greeting and request in two writes and returns the reply code. */
    public static int handshake(Socket s, byte[] request) throws IOException {
        s.getOutputStream().write(GREETING);
        s.getOutputStream().flush();
        readMethodReply(s.getInputStream());
        s.getOutputStream().write(request);
        s.getOutputStream().flush();
        return readReply(s.getInputStream());
    }

    /** Reads the method selection and checks it is version 5, no authentication. */
    public static void readMethodReply(InputStream in) throws IOException {
        DataInputStream d = new DataInputStream(in);
        int v = d.read();
        int m = d.read();
        if (v != 5 || m != 0) {
            throw new IOException("bad method reply " + v + "," + m);
        }
    }

    /** Reads a complete reply (RFC 1928 §6) and returns REP. */
    public static int readReply(InputStream in) throws IOException {
        DataInputStream d = new DataInputStream(in);
        byte[] head = new byte[4];
        d.readFully(head);
        if (head[0] != 5) {
            throw new IOException("bad reply version " + head[0] + " rep " + (head[1] & 0xFF));
        }
        int addrLen = switch (head[3]) {
            case 1 -> 4;
            case 4 -> 16;
            case 3 -> d.readUnsignedByte();
            default -> throw new IOException("bad ATYP in reply: " + head[3]);
        };
        d.readFully(new byte[addrLen + 2]);
        return head[1] & 0xFF;
    }

    /** Reads the method reply and the command reply; returns REP. */
    public static int readMethodAndReply(InputStream in) throws IOException {
        readMethodReply(in);
        return readReply(in);
    }

    /**
     * Greeting and request (from {@link #greetingAndRequest}) on a fresh connection to 127.0.0.1:socksPort; returns
     * REP; the connection is closed after.
     */
    public static int ask(int socksPort, byte[] greetingAndRequest) throws IOException {
        try (Socket s = open(new InetSocketAddress("127.0.0.1", socksPort), 20_000)) {
            s.getOutputStream().write(greetingAndRequest);
            return readMethodAndReply(s.getInputStream());
        }
    }

    /** Connects through SOCKS to 127.0.0.1:port and checks the reply is SUCCESS. */
    public static Socket connected(InetSocketAddress socks, int port) throws IOException {
        Socket s = open(socks);
        assertEquals(0, handshake(s, connectIp(InetAddress.getLoopbackAddress(), port)), "reply");
        return s;
    }

    /** True if the server closed (EOF or reset) without sending a single byte. */
    public static boolean closedWithoutBytes(Socket s) throws IOException {
        try {
            return s.getInputStream().read() == -1;
        } catch (SocketException reset) {
            return true;
        }
    }
}
