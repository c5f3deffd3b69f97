package dev.alknet.tun;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/** A SOCKS5 client for CONNECT and UDP ASSOCIATE without authentication (RFC 1928). */
final class Socks {

    private Socks() {
    }

    /** The proxy answered the CONNECT with a failure code (RFC 1928 REP). */
    static final class Refused extends IOException {
        private static final long serialVersionUID = 1L;
        final int reply;

        Refused(int reply) {
            super("SOCKS reply " + reply);
            this.reply = reply;
        }
    }

    /**
     * Connects through {@code proxy} to {@code host} (a name: ATYP 3, so it is resolved by the proxy; or, when
     * {@code literal}, an IP address: ATYP 1/4) and returns the connected, blocking channel after the success reply.
     */
    static SocketChannel connect(InetSocketAddress proxy, String host, boolean literal, int port, int timeoutMillis)
            throws IOException {
        byte[] r = request(host, literal, port);
        return command(proxy, ch -> r, timeoutMillis).control();
    }

    /**
     * A UDP ASSOCIATE: the TCP connection that keeps it alive, the relay to send datagrams to, and the local socket
     * (bound, not yet connected) that the request named as the only source of the association's datagrams.
     */
    record Association(SocketChannel control, InetSocketAddress relay, DatagramChannel datagrams) {
    }

    /**
     * Asks {@code proxy} for a UDP association (RFC 1928 section 7). The request names the exact address and port
     * the datagrams will come from (a socket bound here, on the control connection's local address), so the relay
     * accepts them from there only; with "unspecified" the relay would belong to whichever local process sends it a
     * datagram first. A relay address of 0.0.0.0/:: means "the proxy's own address".
     */
    static Association udpAssociate(InetSocketAddress proxy, int timeoutMillis) throws IOException {
        DatagramChannel[] bound = new DatagramChannel[1];
        Association a;
        try {
            a = command(proxy, ch -> {
                InetAddress local = ((InetSocketAddress) ch.getLocalAddress()).getAddress();
                DatagramChannel d = DatagramChannel.open(local instanceof Inet6Address
                        ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
                bound[0] = d;
                d.bind(new InetSocketAddress(local, 0));
                byte[] r = request(local.getHostAddress(), true, ((InetSocketAddress) d.getLocalAddress()).getPort());
                r[1] = 3;
                return r;
            }, timeoutMillis);
        } catch (IOException | RuntimeException e) {
            if (bound[0] != null) {
                bound[0].close();
            }
            throw e;
        }
        InetSocketAddress relay = a.relay();
        if (relay.getAddress().isAnyLocalAddress()) {
            relay = new InetSocketAddress(proxy.getAddress(), relay.getPort());
        }
        return new Association(a.control(), relay, bound[0]);
    }

    /** Builds a request once the TCP connection exists (a UDP ASSOCIATE names an address of that connection). */
    private interface Request {
        byte[] build(SocketChannel control) throws IOException;
    }

    private static Association command(InetSocketAddress proxy, Request request, int timeoutMillis)
            throws IOException {
        SocketChannel ch = SocketChannel.open();
        boolean ok = false;
        try {
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            ch.socket().connect(proxy, timeoutMillis);
            ch.socket().setSoTimeout(timeoutMillis);
            OutputStream out = ch.socket().getOutputStream();
            DataInputStream in = new DataInputStream(ch.socket().getInputStream());
            out.write(new byte[] {5, 1, 0});
            out.flush();
            int ver = in.readUnsignedByte();
            int method = in.readUnsignedByte();
            if (ver != 5 || method != 0) {
                throw new IOException("SOCKS server at " + proxy + " wants method " + method + " (only no-auth)");
            }
            out.write(request.build(ch));
            out.flush();
            if (in.readUnsignedByte() != 5) {
                throw new IOException("not a SOCKS5 reply");
            }
            int rep = in.readUnsignedByte();
            in.readUnsignedByte();
            InetSocketAddress bound = readAddress(in);
            if (rep != 0) {
                throw new Refused(rep);
            }
            ch.socket().setSoTimeout(0);
            ok = true;
            return new Association(ch, bound, null);
        } finally {
            if (!ok) {
                ch.close();
            }
        }
    }

    static byte[] request(String host, boolean literal, int port) {
        byte[] addr;
        int atyp;
        if (literal) {
            try {
                addr = InetAddress.getByName(host).getAddress();
            } catch (IOException e) {
                throw new IllegalArgumentException(host, e);
            }
            atyp = addr.length == 4 ? 1 : 4;
        } else {
            byte[] name = host.getBytes(StandardCharsets.ISO_8859_1);
            if (name.length > 255) {
                throw new IllegalArgumentException("name too long");
            }
            addr = new byte[name.length + 1];
            addr[0] = (byte) name.length;
            System.arraycopy(name, 0, addr, 1, name.length);
            atyp = 3;
        }
        byte[] r = new byte[4 + addr.length + 2];
        r[0] = 5;
        r[1] = 1;
        r[2] = 0;
        r[3] = (byte) atyp;
        System.arraycopy(addr, 0, r, 4, addr.length);
        r[r.length - 2] = (byte) (port >>> 8);
        r[r.length - 1] = (byte) port;
        return r;
    }

    /** BND.ADDR/BND.PORT of a reply; a name (never sent by alknet) is returned unresolved. */
    private static InetSocketAddress readAddress(DataInputStream in) throws IOException {
        int atyp = in.readUnsignedByte();
        int len = switch (atyp) {
            case 1 -> 4;
            case 4 -> 16;
            case 3 -> in.readUnsignedByte();
            default -> throw new IOException("bad ATYP " + atyp + " in SOCKS reply");
        };
        byte[] addr = new byte[len];
        in.readFully(addr);
        int port = in.readUnsignedShort();
        if (atyp == 3) {
            return InetSocketAddress.createUnresolved(new String(addr, StandardCharsets.ISO_8859_1), port);
        }
        return new InetSocketAddress(InetAddress.getByAddress(addr), port);
    }
}
