package dev.alknet.server.dial;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Whether a dial may connect to one resolved address (the destination decision, applied after DNS). */
@FunctionalInterface
public interface AddressCheck {

    AddressCheck ANY = address -> true;

    boolean allowed(InetAddress address);

    /** The addresses of {@code all} this check allows, in order; a check that throws denies. */
    default List<InetAddress> permitted(List<InetAddress> all) {
        List<InetAddress> ok = new ArrayList<>(all.size());
        for (InetAddress a : all) {
            boolean allowed;
            try {
                allowed = allowed(a);
            } catch (RuntimeException e) {
                LoggerFactory.getLogger(AddressCheck.class).debug("address check failed for {}, denying", a, e);
                allowed = false;
            }
            if (allowed) {
                ok.add(a);
            }
        }
        return ok;
    }
}
