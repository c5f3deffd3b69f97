package dev.alknet.server.dial;

import java.net.InetAddress;

/** Whether a dial may connect to one resolved address (the destination policy, applied after DNS). */
@FunctionalInterface
public interface AddressCheck {

    AddressCheck ANY = address -> true;

    boolean allowed(InetAddress address);
}
