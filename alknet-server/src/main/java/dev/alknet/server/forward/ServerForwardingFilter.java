package dev.alknet.server.forward;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;
import dev.alknet.core.config.HostPort;
import dev.alknet.core.forward.ForwardingRules;
import dev.alknet.core.ssh.SshSession;
import dev.alknet.server.policy.KeyGrant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's TCP forwarding rules: the "drain and key grant" step of the {@code DestinationDecision} for
 * {@code direct-tcpip} and UDP (which first asks the {@code DestinationPolicy}), and the whole decision for a
 * listener; {@code tcpip-forward} ({@code -R}) may listen on loopback only, unless the
 * server runs with {@code --allow-remote-bind}, like OpenSSH's {@code GatewayPorts no} except that a wider
 * bind is refused rather than silently narrowed, so the client can say so. A port below 1024 (which the server
 * may bind: the systemd unit grants CAP_NET_BIND_SERVICE) needs a {@code permitlisten} that names it. The login
 * key's authorized_keys options ({@code no-port-forwarding}, {@code restrict}, {@code permitopen},
 * {@code permitlisten}) narrow both.
 * While the server drains, neither new channels nor new listeners are accepted.
 */
public final class ServerForwardingFilter implements ForwardingRules {

    private static final Logger log = LoggerFactory.getLogger(ServerForwardingFilter.class);
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+(%[A-Za-z0-9_.-]+)?");

    private final boolean allowRemoteBind;
    private volatile boolean draining;

    public ServerForwardingFilter(boolean allowRemoteBind) {
        this.allowRemoteBind = allowRemoteBind;
    }

    /** From now on refuse new channels and listeners (graceful shutdown). */
    public void stopAccepting() {
        draining = true;
    }

    @Override
    public boolean canListen(HostPort address, SshSession session) {
        if (draining) {
            log.debug("{}: refused tcpip-forward on {}: draining", session, address);
            return false;
        }
        KeyGrant grant = KeyGrant.of(session);
        if (grant != null && !grant.portForwarding()) {
            log.warn("{}: refused tcpip-forward on '{}' port {}: the key does not allow port forwarding",
                    who(session), address.host(), address.port());
            return false;
        }
        if (grant != null && !grant.permitsListen(address.host(), address.port())) {
            log.warn("{}: refused tcpip-forward on '{}' port {}: not in the key's permitlisten", who(session),
                    address.host(), address.port());
            return false;
        }
        if (isPrivileged(address.port()) && (grant == null
                || !grant.namesListenPort(address.host(), address.port()))) {
            log.warn("{}: refused tcpip-forward on '{}' port {}: a port below 1024 needs a permitlisten naming it",
                    who(session), address.host(), address.port());
            return false;
        }
        if (allowRemoteBind || isLoopback(address.host())) {
            return true;
        }
        log.warn("{}: refused tcpip-forward on '{}' port {}: only loopback (start with --allow-remote-bind to allow)",
                who(session), address.host(), address.port());
        return false;
    }

    @Override
    public boolean canConnect(String type, HostPort address, SshSession session) {
        if (draining) {
            log.debug("{}: refused {} to {}: draining", session, type, address);
            return false;
        }
        KeyGrant grant = KeyGrant.of(session);
        if (grant != null && !grant.portForwarding()) {
            log.info("{}: refused {} to {}: the key does not allow port forwarding", who(session), type,
                    address);
            return false;
        }
        if (grant != null && !grant.permitsOpen(address.host(), address.port())) {
            log.info("{}: refused {} to {}: not in the key's permitopen", who(session), type, address);
            return false;
        }
        return true;
    }

    /** A port only root (or CAP_NET_BIND_SERVICE) may bind; 0 asks for a free port and is not. */
    static boolean isPrivileged(int port) {
        return port > 0 && port < 1024;
    }

    /**
     * "localhost" or a loopback literal. Other names are not looked up: the answer could change between this
     * check and the bind, and a policy check must not block on DNS.
     */
    static boolean isLoopback(String host) {
        if (host == null) {
            return false;
        }
        if (isLocalhostName(host)) {
            return true;
        }
        String h = host.toLowerCase(Locale.ROOT);
        if (!IPV4.matcher(h).matches() && !(h.indexOf(':') >= 0 && IPV6.matcher(h).matches())) {
            return false;
        }
        try {
            return InetAddress.getByName(h).isLoopbackAddress(); // a literal: parsed, never resolved
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** {@code localhost} (any case, one trailing dot allowed): loopback by name, with no lookup. */
    static boolean isLocalhostName(String host) {
        return host.equalsIgnoreCase("localhost") || host.equalsIgnoreCase("localhost.");
    }

    private static String who(SshSession session) {
        return session == null ? "?" : session.user() + "@" + session.remoteAddress();
    }
}
