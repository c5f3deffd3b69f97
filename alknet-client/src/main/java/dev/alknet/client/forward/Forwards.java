package dev.alknet.client.forward;

import dev.alknet.client.forward.dynamic.ExitPolicy;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The forwards of one client: {@code -L} (listen here, dial from the server) and {@code -R} (listen on the
 * server, dial from here); {@code exitPolicy} is what a dynamic {@code -R} may reach from here.
 */
public record Forwards(List<ForwardSpec> local, List<ForwardSpec> remote, ExitPolicy exitPolicy) {

    public static final Forwards NONE = new Forwards(List.of(), List.of());

    public Forwards(List<ForwardSpec> local, List<ForwardSpec> remote) {
        this(local, remote, ExitPolicy.DEFAULT);
    }

    public Forwards {
        local = List.copyOf(local);
        remote = List.copyOf(remote);
        // A forwarded-tcpip channel names the server port it came from, and MINA maps it back to its
        // target by port alone: two -R forwards on one port could not be told apart.
        Set<Integer> ports = new HashSet<>();
        for (ForwardSpec r : remote) {
            if (r.bindPort() != 0 && !ports.add(r.bindPort())) {
                throw new IllegalArgumentException("-R " + r + ": another -R forward already listens on server port "
                        + r.bindPort() + " (remote forwards need distinct ports)");
            }
        }
    }
}
