package dev.alknet.client.forward.dynamic;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;

/**
 * Which addresses a dynamic {@code -R} connection may reach from this machine. The server (or whoever reaches its
 * listener) picks the destinations, so by default it gets no more than a stranger on the network would: this machine
 * itself (loopback, the unspecified address and 0.0.0.0/8, its own interface addresses) and link-local (cloud
 * metadata at 169.254.169.254 among them) and multicast are refused; {@code --dynamic-allow-local} lets the
 * loopback and own addresses through. Checked on the address a name resolved to, right before the dial.
 */
public final class ExitPolicy {

    public static final ExitPolicy DEFAULT = new ExitPolicy(false);

    private final boolean allowLocal;

    public ExitPolicy(boolean allowLocal) {
        this.allowLocal = allowLocal;
    }

    /** Null if {@code address} may be dialled, else why not (one short phrase). */
    public String refusal(InetAddress address) {
        if (address.isLinkLocalAddress()) {
            return "link-local address";
        }
        if (address.isMulticastAddress()) {
            return "multicast address";
        }
        if (allowLocal) {
            return null;
        }
        if (address.isLoopbackAddress() || address.isAnyLocalAddress() || zeroNetwork(address)) {
            return "this machine's loopback";
        }
        if (ownAddress(address)) {
            return "this machine's own address";
        }
        return null;
    }

    /** 0.0.0.0/8: Linux connects 0.x.y.z to this host. */
    private static boolean zeroNetwork(InetAddress a) {
        byte[] b = a.getAddress();
        return b.length == 4 && b[0] == 0;
    }

    private static boolean ownAddress(InetAddress a) {
        try {
            return NetworkInterface.getByInetAddress(a) != null;
        } catch (SocketException e) {
            return true; // cannot tell: refuse
        }
    }
}
