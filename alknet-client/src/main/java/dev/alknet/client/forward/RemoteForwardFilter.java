package dev.alknet.client.forward;

import dev.alknet.core.config.HostPort;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Which targets a {@code forwarded-tcpip} channel from the server may reach: those one of our {@code -R} forwards
 * named, nothing else. A hostile or compromised server must not be able to make the client dial into its network;
 * core's {@code ForwardedTcpipChannels} asks this before it connects, and allows no other forwarding at all.
 */
public final class RemoteForwardFilter implements Predicate<HostPort> {

    private final Set<String> targets;

    private RemoteForwardFilter(List<ForwardSpec> remote) {
        this.targets = remote.stream().map(s -> key(s.targetHost(), s.targetPort())).collect(Collectors.toSet());
    }

    /** The targets of the given forwards, and only those. */
    public static RemoteForwardFilter allowing(List<ForwardSpec> remote) {
        return new RemoteForwardFilter(remote);
    }

    @Override
    public boolean test(HostPort target) {
        return targets.contains(key(target.host(), target.port()));
    }

    private static String key(String host, int port) {
        return host.toLowerCase(Locale.ROOT) + "|" + port;
    }
}
