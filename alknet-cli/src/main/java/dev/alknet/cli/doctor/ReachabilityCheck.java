package dev.alknet.cli.doctor;

import dev.alknet.client.ClientOptions;
import dev.alknet.client.ConnectFailure;
import dev.alknet.client.TunnelConnector;
import dev.alknet.core.ssh.SshSession;
import java.util.List;

/**
 * Dials one server as {@code connect} does (transport, TLS pin, SSH host key, authentication) and times it. A QUIC
 * server that does not answer is reported as UDP blocked: the usual cause, and TLS over TCP is the way around it.
 */
public final class ReachabilityCheck implements Check {

    private final ClientOptions options;
    private final List<Dial> dials;

    /** @param dials where the outcome is recorded for the checks that read it (udp, hostkey, pin) */
    public ReachabilityCheck(ClientOptions options, List<Dial> dials) {
        this.options = options;
        this.dials = dials;
    }

    @Override
    public String name() {
        return options.server().scheme();
    }

    @Override
    public List<Verdict> run() {
        long start = System.nanoTime();
        try (TunnelConnector connector = new TunnelConnector(options)) {
            SshSession session = connector.connect();
            long ms = (System.nanoTime() - start) / 1_000_000;
            session.close(true);
            dials.add(new Dial(options, true, null, ms));
            return List.of(Verdict.ok(name(), options.server() + " reachable, logged in (" + ms + " ms)"));
        } catch (ConnectFailure e) {
            dials.add(new Dial(options, false, String.valueOf(e.getMessage()), (System.nanoTime() - start) / 1_000_000));
            return List.of(explain(name(), options.server().host() + ":" + options.server().port(), e.getMessage()));
        }
    }

    /** The verdict for a failed dial: the connect error, with the fix that matches it. */
    static Verdict explain(String scheme, String hostPort, String message) {
        String m = String.valueOf(message);
        String lower = m.toLowerCase(java.util.Locale.ROOT);
        if (lower.contains("host key") || lower.contains("known_hosts")) {
            return Verdict.fail(scheme, m, "check the server's fingerprint, then fix known_hosts or --host-key");
        }
        if (lower.contains("pin")) {
            return Verdict.fail(scheme, m, "the certificate changed: get the new pin from 'alknet serve' (--tls-pin)");
        }
        if (lower.contains("refused key") || lower.contains("authorized_keys")) {
            return Verdict.fail(scheme, m, "add this client's key to the server's authorized_keys");
        }
        if ("quic".equals(scheme)) {
            String port = hostPort.substring(hostPort.lastIndexOf(':') + 1);
            return Verdict.fail(scheme, "UDP to " + hostPort + " blocked or unanswered (" + m + ")",
                    "use tls:// or open UDP " + port);
        }
        return Verdict.fail(scheme, hostPort + " unreachable (" + m + ")",
                "check the address, the server and any firewall on TCP " + hostPort.substring(hostPort.lastIndexOf(':') + 1));
    }
}
