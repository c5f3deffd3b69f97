package dev.alknet.core.udp;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * Layout of the {@value #CHANNEL_TYPE} channel's data (docs/adr/0008-udp-over-ssh-channel.md). The channel's
 * byte stream is a sequence of frames, each {@code uint32 length} followed by a body of that many bytes:
 * {@code ATYP, ADDR, PORT, DATA} exactly as in a SOCKS5 UDP request header (RFC 1928 §7) without its RSV and FRAG.
 * Client to server the address is the destination; server to client it is the source of the reply.
 * Pure functions.
 */
public final class UdpFrames {

    /** The SSH channel type: one association per channel, opened without type-specific data. */
    public static final String CHANNEL_TYPE = "udp@alknet.dev";

    public static final int ATYP_IPV4 = 1;
    public static final int ATYP_DOMAIN = 3;
    public static final int ATYP_IPV6 = 4;

    /** Largest UDP payload over IPv4 (65 535 − 20 − 8). */
    public static final int MAX_IPV4_PAYLOAD = 65_507;
    /** Largest UDP payload over IPv6 without jumbograms (65 535 − 8); the largest datagram a frame carries. */
    public static final int MAX_PAYLOAD = 65_527;
    /** Largest address part: ATYP, name length, a 255-byte name, port. */
    public static final int MAX_ADDRESS = 1 + 1 + 255 + 2;
    /** Largest body a peer may send; a longer length field is a protocol error. */
    public static final int MAX_BODY = MAX_ADDRESS + MAX_PAYLOAD;
    /** Smallest valid body: a one-byte name and a port, no data. */
    public static final int MIN_BODY = 1 + 1 + 1 + 2;
    public static final int LENGTH_FIELD = 4;

    private UdpFrames() {
    }

    /** The largest UDP payload a datagram to {@code to} can carry. */
    public static int maxPayload(InetSocketAddress to) {
        return to.getAddress() instanceof Inet6Address ? MAX_PAYLOAD : MAX_IPV4_PAYLOAD;
    }

    /**
     * Length of the address part ({@code ATYP} to {@code PORT}) starting at {@code b[off]}, or -1 if the
     * {@code len} bytes there do not hold a complete one (unknown ATYP, empty name, truncated).
     */
    public static int addressLength(byte[] b, int off, int len) {
        if (len < 1) {
            return -1;
        }
        int n = switch (b[off]) {
            case ATYP_IPV4 -> 1 + 4 + 2;
            case ATYP_IPV6 -> 1 + 16 + 2;
            case ATYP_DOMAIN -> len < 2 || b[off + 1] == 0 ? -1 : 1 + 1 + (b[off + 1] & 0xFF) + 2;
            default -> -1;
        };
        return n > len ? -1 : n;
    }

    /** A frame body's address part, decoded. {@code host} is a name or an IP literal (no brackets). */
    public record Address(int atyp, String host, int port, int length) {
    }

    /** Decodes the address part of {@code body}, or returns null if it is malformed. */
    public static Address decodeAddress(byte[] body) {
        int n = addressLength(body, 0, body.length);
        if (n < 0) {
            return null;
        }
        int atyp = body[0];
        String host;
        try {
            host = switch (atyp) {
                case ATYP_IPV4 -> InetAddress.getByAddress(slice(body, 1, 4)).getHostAddress();
                case ATYP_IPV6 -> InetAddress.getByAddress(slice(body, 1, 16)).getHostAddress();
                default -> new String(body, 2, body[1] & 0xFF, StandardCharsets.US_ASCII);
            };
        } catch (java.net.UnknownHostException e) {
            return null; // only for a wrong length, which addressLength rules out
        }
        int port = ((body[n - 2] & 0xFF) << 8) | (body[n - 1] & 0xFF);
        return new Address(atyp, host, port, n);
    }

    /**
     * A complete frame (length field included) for a datagram from {@code source}: {@code len} bytes of
     * {@code data} from {@code off}, with the source as an IPv4 or IPv6 address.
     */
    public static byte[] encode(InetSocketAddress source, byte[] data, int off, int len) {
        InetAddress ip = source.getAddress();
        byte[] addr = ip.getAddress();
        int body = 1 + addr.length + 2 + len;
        byte[] frame = new byte[LENGTH_FIELD + body];
        putInt(frame, 0, body);
        frame[4] = (byte) (ip instanceof Inet4Address ? ATYP_IPV4 : ATYP_IPV6);
        System.arraycopy(addr, 0, frame, 5, addr.length);
        int p = 5 + addr.length;
        frame[p] = (byte) (source.getPort() >> 8);
        frame[p + 1] = (byte) source.getPort();
        System.arraycopy(data, off, frame, p + 2, len);
        return frame;
    }

    static void putInt(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    /** Writes the length field for a body of {@code bodyLength} bytes at {@code frame[0..4)}. */
    public static void putLength(byte[] frame, int bodyLength) {
        putInt(frame, 0, bodyLength);
    }

    private static byte[] slice(byte[] b, int off, int len) {
        byte[] s = new byte[len];
        System.arraycopy(b, off, s, 0, len);
        return s;
    }
}
