package dev.alknet.cli;

import dev.alknet.core.config.ServerAddress;
import dev.alknet.server.AccessOptions;
import dev.alknet.server.dial.OutboundProxy;
import dev.alknet.server.policy.AccessPolicy;
import dev.alknet.server.policy.AccessPolicyBuilder;
import dev.alknet.server.policy.PolicyFile;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code alknet serve} flags for destination policy, outbound proxy and limits (docs/adr/0012). */
final class PolicyOptions {

    @Option(names = "--allow", paramLabel = "DEST",
            description = "Allow this destination: HOST[:PORTS] with HOST a name pattern (*.example.com), IP, CIDR"
                    + " or loopback|link-local|private|self|multicast; PORTS a port, LOW-HIGH or * (repeatable)."
                    + " Loopback, link-local, cloud metadata and this server's own addresses are denied unless a"
                    + " rule names them by address, CIDR or class (--allow :80 or a name pattern does not).")
    List<String> allow = new ArrayList<>();

    @Option(names = "--local-clients",
            description = "Every client is a user of this machine, who reaches its loopback anyway: allow loopback"
                    + " destinations. Needs every --listen address on loopback; not behind sslh, nginx stream or an"
                    + " onion service, whose clients listen on loopback but come from elsewhere.")
    boolean localClients;

    @Option(names = "--deny", paramLabel = "DEST",
            description = "Deny this destination (same syntax as --allow; deny wins over allow; repeatable).")
    List<String> deny = new ArrayList<>();

    @Option(names = "--policy", paramLabel = "FILE",
            description = "YAML policy file: default, allow, deny and per-key rules (see docs/operator-guide.md).")
    Path policyFile;

    @Option(names = "--outbound-proxy", paramLabel = "URL",
            description = "Send all TCP egress through this proxy: socks5h://, http:// (the proxy resolves names) or"
                    + " socks5:// (this server resolves), [user:pass@]host:port. UDP is then refused.")
    String outboundProxy;

    @Option(names = "--auth-timeout", paramLabel = "DURATION", defaultValue = "30s",
            description = "Close connections not authenticated by then (default: ${DEFAULT-VALUE}).")
    Duration authTimeout;

    @Option(names = "--max-conns-per-ip", paramLabel = "N", defaultValue = "64",
            description = "SSH connections at once from one address; 0 is unlimited (default: ${DEFAULT-VALUE}).")
    int maxConnsPerIp;

    @Option(names = "--max-channels", paramLabel = "N", defaultValue = "1024",
            description = "Streams at once per session (default: ${DEFAULT-VALUE}).")
    int maxChannels;

    @Option(names = "--max-pending", paramLabel = "N", defaultValue = "256",
            description = "Connections at once, from all addresses, that have not logged in yet (TLS/QUIC/SSH"
                    + " handshakes); more are refused at accept; 0 is unlimited (default: ${DEFAULT-VALUE}).")
    int maxPending;

    @Option(names = "--max-detached-per-key", paramLabel = "N", defaultValue = "4",
            description = "Sessions of one key parked for a resume; a newer one ends the oldest"
                    + " (default: ${DEFAULT-VALUE}).")
    int maxDetachedPerKey;

    @Option(names = "--max-detached", paramLabel = "N", defaultValue = "256",
            description = "Sessions parked for a resume in all; a newer one ends the oldest"
                    + " (default: ${DEFAULT-VALUE}).")
    int maxDetached;

    /**
     * The access options these flags describe; mistakes are one-line IllegalArgumentException/IOException.
     *
     * @param loopbackOnly the server listens on loopback only, which {@code --local-clients} needs. A loopback
     *                     listener alone allows nothing more: behind sslh, nginx stream or an onion service the
     *                     clients are remote.
     */
    AccessOptions accessOptions(boolean loopbackOnly) throws IOException {
        if (localClients && !loopbackOnly) {
            throw new IllegalArgumentException("--local-clients needs every --listen address on loopback"
                    + " (127.0.0.1, ::1, localhost); use --allow loopback:PORT to open loopback to remote clients");
        }
        AccessPolicyBuilder b = AccessPolicy.builder();
        if (policyFile != null) {
            PolicyFile.load(policyFile, b);
        }
        List<String> allowed = new ArrayList<>(allow);
        if (localClients) {
            allowed.add("loopback");
        }
        try {
            b.rules(allowed, deny);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--allow/--deny: " + e.getMessage(), e);
        }
        AccessOptions a = AccessOptions.safeDefaults().withDestinations(b.build())
                .withLimits(authTimeout, maxConnsPerIp, maxChannels)
                .withSessionLimits(new AccessOptions.SessionLimits(maxPending, maxDetachedPerKey, maxDetached));
        return outboundProxy == null ? a : a.withOutboundProxy(OutboundProxy.parse(outboundProxy));
    }

    /** Whether every listen address is a loopback one (127.0.0.0/8, ::1, localhost); a wildcard is not. */
    static boolean loopbackOnly(List<ServerAddress> addresses) {
        for (ServerAddress a : addresses) {
            String host = a.host();
            boolean loopback = false;
            if (host != null && !host.isEmpty() && (host.equalsIgnoreCase("localhost")
                    || io.netty.util.NetUtil.isValidIpV4Address(host) || io.netty.util.NetUtil.isValidIpV6Address(host))) {
                try {
                    loopback = java.net.InetAddress.getByName(host).isLoopbackAddress();
                } catch (java.net.UnknownHostException e) {
                    loopback = false;
                }
            }
            if (!loopback) {
                return false;
            }
        }
        return !addresses.isEmpty();
    }
}
