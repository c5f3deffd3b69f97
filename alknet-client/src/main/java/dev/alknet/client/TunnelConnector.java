package dev.alknet.client;

import dev.alknet.core.hostkeys.KnownHostsVerifier;
import dev.alknet.core.keys.KeyFiles;
import dev.alknet.core.ssh.SshSession;
import dev.alknet.core.ssh.TunnelClient;
import dev.alknet.transport.ConnectErrors;
import dev.alknet.transport.TransportException;
import dev.alknet.transport.stealth.StrictProofClient;
import dev.alknet.transport.tls.TlsErrors;
import java.time.Duration;

/** Makes one authenticated SSH session to the server per call; owns the SSH client ({@link TunnelClient}). */
public final class TunnelConnector implements SessionConnector {

    /** Offer a carrier that survives drops (docs/adr/0011); -Dalknet.resume=false turns it off. */
    private static final boolean RESUMABLE = Boolean.parseBoolean(System.getProperty("alknet.resume", "true"));

    private final ClientOptions options;
    private final TunnelClient client;

    /**
     * With other servers to fail over to, a carrier that cannot be resumed within this time gives up its session, so
     * that the next server is tried (a single server is retried for the whole resume grace).
     */
    public static final Duration FAILOVER_RESUME_GRACE =
            Duration.ofSeconds(Long.getLong("alknet.resume.failoverGraceSeconds", 10));

    public TunnelConnector(ClientOptions options) {
        this(options, dev.alknet.core.bridge.TransportIoConnector.CLIENT_GRACE);
    }

    /** @param resumeGrace how long a lost carrier is retried before the session is given up */
    public TunnelConnector(ClientOptions options, Duration resumeGrace) {
        this.options = options;
        this.client = new TunnelClient(options.transport(), RESUMABLE, resumeGrace,
                new KnownHostsVerifier(options.knownHosts(), options.hostKeyPolicy(), options.hostKeyPin()));
    }

    public TunnelClient client() {
        return client;
    }

    @Override
    public dev.alknet.core.config.ServerAddress server() {
        return options.server();
    }

    /** Connects, checks the host key and authenticates; throws {@link ConnectFailure} with the reason. */
    @Override
    public SshSession connect() throws ConnectFailure {
        try {
            return client.connect(options.server(), options.identity(), options.connectTimeout(), options.heartbeat(),
                    options.heartbeatMisses());
        } catch (TunnelClient.ConnectException e) {
            throw explain(e);
        }
    }

    private ConnectFailure explain(TunnelClient.ConnectException failed) {
        String target = options.server().toString();
        Exception e = failed.original();
        String rejection = failed.hostKeyRejection();
        if (rejection != null) {
            return new ConnectFailure(rejection, true, e);
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            if (root instanceof TransportException) {
                break;
            }
            root = root.getCause();
        }
        if (root instanceof TransportException) {
            return new ConnectFailure(root.getMessage(), refusedForGood(root.getMessage()), e);
        }
        String msg = String.valueOf(e.getMessage());
        if (failed.keyRefused()) {
            return new ConnectFailure(target + ": server refused key " + KeyFiles.fingerprint(options.identity()
                    .getPublic()) + " for user '" + options.server().user() + "' (is it in the server's authorized_keys?)",
                    true, e);
        }
        if (msg.contains("timeout") || msg.contains("Timeout") || e instanceof java.util.concurrent.TimeoutException) {
            return new ConnectFailure(target + ": no SSH answer within " + options.connectTimeout().toSeconds() + " s",
                    false, e);
        }
        return new ConnectFailure(target + ": " + ConnectErrors.reason(e), false, e);
    }

    /** A server whose certificate or protocol we refused will not change by retrying every few seconds. */
    private static boolean refusedForGood(String transportError) {
        return transportError.contains(StrictProofClient.REFUSED) || transportError.contains("pin mismatch") || transportError.contains(TlsErrors.ALPN_REFUSED)
                || transportError.contains("certificate not trusted") || transportError.contains("certificate does not match");
    }

    @Override
    public void close() {
        client.close();
    }
}
