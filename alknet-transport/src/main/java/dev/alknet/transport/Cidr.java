package dev.alknet.transport;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** An address block written as {@code 10.0.0.0/8}, {@code fd00::/8} or a single address; IP literals only. */
public record Cidr(byte[] network, int bits) {

    /** @throws IllegalArgumentException with a one-line reason */
    public static Cidr parse(String text) {
        String s = text.trim();
        int slash = s.indexOf('/');
        String host = slash < 0 ? s : s.substring(0, slash);
        if (host.isEmpty() || !host.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':')) {
            throw new IllegalArgumentException("'" + text + "' is not an address block (expected e.g. 10.0.0.0/8)");
        }
        byte[] addr;
        try {
            addr = InetAddress.getByName(host).getAddress(); // a literal: no name lookup
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + text + "' is not an address block (expected e.g. 10.0.0.0/8)");
        }
        int max = addr.length * 8;
        int bits = max;
        if (slash >= 0) {
            String b = s.substring(slash + 1);
            if (b.isEmpty() || b.length() > 3 || !b.chars().allMatch(Character::isDigit)
                    || (bits = Integer.parseInt(b)) > max) {
                throw new IllegalArgumentException("'" + text + "': prefix length must be 0-" + max);
            }
        }
        return new Cidr(addr, bits);
    }

    public boolean contains(InetAddress a) {
        if (a == null) {
            return false;
        }
        byte[] b = a.getAddress();
        if (b.length != network.length) {
            return false;
        }
        for (int i = 0; i < bits; i++) {
            int mask = 0x80 >>> (i % 8);
            if ((b[i / 8] & mask) != (network[i / 8] & mask)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(network).getHostAddress() + "/" + bits;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
