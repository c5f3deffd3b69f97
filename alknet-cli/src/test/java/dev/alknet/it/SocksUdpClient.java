package dev.alknet.it;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A SOCKS5 UDP ASSOCIATE client written byte by byte (RFC 1928 §7), optionally with RFC 1929 credentials. */
final class SocksUdpClient implements AutoCloseable {

    /** A datagram from the relay: the source it names and its data. */
    record Reply(InetAddress source, int port, byte[] data) {
    }

    final Socket control;
    final DatagramSocket udp;
    final InetSocketAddress relay;

    private SocksUdpClient(Socket control, DatagramSocket udp, InetSocketAddress relay) {
        this.control = control;
        this.udp = udp;
        this.relay = relay;
    }

    static SocksUdpClient associate(int socksPort) throws IOException {
        return associate(socksPort, null, null);
    }

    /** Greets (with user/pass if given), asks for UDP ASSOCIATE 0.0.0.0:0 and reads the relay address. */
    static SocksUdpClient associate(int socksPort, String user, String password) throws IOException {
        Socket s = new Socket();
        try {
            s.connect(new InetSocketAddress("127.0.0.1", socksPort), 5_000);
            s.setSoTimeout(20_000);
            DataInputStream in = new DataInputStream(s.getInputStream());
            if (user == null) {
                s.getOutputStream().write(new byte[] {5, 1, 0});
                expect(in, 5, 0, "method");
            } else {
                s.getOutputStream().write(new byte[] {5, 1, 2});
                expect(in, 5, 2, "method");
                s.getOutputStream().write(E2eAuth.rfc1929(user, password));
                expect(in, 1, 0, "authentication");
            }
            s.getOutputStream().write(new byte[] {5, 3, 0, 1, 0, 0, 0, 0, 0, 0});
            int ver = in.readUnsignedByte();
            int rep = in.readUnsignedByte();
            in.readUnsignedByte();
            int atyp = in.readUnsignedByte();
            byte[] addr = new byte[atyp == 1 ? 4 : 16];
            in.readFully(addr);
            int port = in.readUnsignedShort();
            if (ver != 5 || rep != 0) {
                throw new IOException("UDP ASSOCIATE answered " + ver + "/" + rep);
            }
            InetSocketAddress relay = new InetSocketAddress(InetAddress.getByAddress(addr), port);
            DatagramSocket udp = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            udp.setSoTimeout(10_000);
            return new SocksUdpClient(s, udp, relay);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private static void expect(DataInputStream in, int a, int b, String what) throws IOException {
        int x = in.readUnsignedByte();
        int y = in.readUnsignedByte();
        if (x != a || y != b) {
            throw new IOException(what + " reply " + x + "," + y);
        }
    }

    /** The SOCKS UDP request header for {@code host} (IP literal or name) and {@code port}, FRAG as given. */
    static byte[] header(String host, int port, int frag) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[] {0, 0, (byte) frag});
        byte[] ip = io.netty.util.NetUtil.createByteArrayFromIpAddressString(host);
        if (ip != null) {
            b.write(ip.length == 4 ? 1 : 4);
            b.writeBytes(ip);
        } else {
            byte[] name = host.getBytes(StandardCharsets.US_ASCII);
            b.write(3);
            b.write(name.length);
            b.writeBytes(name);
        }
        b.write(port >> 8);
        b.write(port);
        return b.toByteArray();
    }

    void send(String host, int port, byte[] data) throws IOException {
        sendRaw(concat(header(host, port, 0), data));
    }

    void sendRaw(byte[] datagram) throws IOException {
        udp.send(new DatagramPacket(datagram, datagram.length, relay));
    }

    /** The next datagram from the relay, or null if none comes within {@code millis}. */
    Reply receive(int millis) throws IOException {
        byte[] buf = new byte[65_536];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        udp.setSoTimeout(millis);
        try {
            udp.receive(p);
        } catch (SocketTimeoutException e) {
            return null;
        }
        byte[] d = Arrays.copyOf(p.getData(), p.getLength());
        if (d[0] != 0 || d[1] != 0 || d[2] != 0) {
            throw new IOException("bad RSV/FRAG in a reply");
        }
        int atyp = d[3];
        int alen = atyp == 1 ? 4 : atyp == 4 ? 16 : -1;
        if (alen < 0) {
            throw new IOException("reply with ATYP " + atyp);
        }
        InetAddress src = InetAddress.getByAddress(Arrays.copyOfRange(d, 4, 4 + alen));
        int port = ((d[4 + alen] & 0xFF) << 8) | (d[5 + alen] & 0xFF);
        return new Reply(src, port, Arrays.copyOfRange(d, 6 + alen, d.length));
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    @Override
    public void close() throws IOException {
        udp.close();
        control.close();
    }
}
