package dev.alknet.client;

import dev.alknet.core.config.SshDefaults;
import dev.alknet.core.keepalive.PeerAliveProbe;
import dev.alknet.core.hostkeys.KnownHostsVerifier;
import dev.alknet.core.keys.KeyFiles;
import dev.alknet.core.resume.ResumeTokens;
import dev.alknet.core.ssh.TransportSshClient;
import dev.alknet.transport.ConnectErrors;
import dev.alknet.transport.TransportException;
import dev.alknet.transport.stealth.StrictProofClient;
import dev.alknet.transport.tls.TlsErrors;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.apache.sshd.client.ClientBuilder;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.common.SshException;
import org.apache.sshd.core.CoreModuleProperties;

/** Makes one authenticated SSH session to the server per call; owns the MINA client. */
public final class TunnelConnector implements SessionConnector {

    /** Offer a carrier that survives drops (docs/adr/0011); -Dalknet.resume=false turns it off. */
    private static final boolean RESUMABLE = Boolean.parseBoolean(System.getProperty("alknet.resume", "true"));

    private final ClientOptions options;
    private final SshClient client;
    private final KnownHostsVerifier verifier;

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
        TransportSshClient c = (TransportSshClient) ClientBuilder.builder()
                .factory(() -> new TransportSshClient(options.transport(), RESUMABLE, resumeGrace))
                .build();
        SshDefaults.apply(c);
        this.verifier = new KnownHostsVerifier(options.knownHosts(), options.hostKeyPolicy(), options.hostKeyPin());
        c.setServerKeyVerifier(verifier);
        // Never pick up ~/.ssh/config or ~/.ssh/id_*: only alknet's own identity is offered.
        c.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
        c.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
        c.setUserAuthFactories(List.of(UserAuthPublicKeyFactory.INSTANCE));
        CoreModuleProperties.CLIENT_IDENTIFICATION.set(c, TransportSshClient.identification(RESUMABLE));
        c.start();
        this.client = c;
    }

    public SshClient client() {
        return client;
    }

    @Override
    public dev.alknet.core.config.ServerAddress server() {
        return options.server();
    }

    /** Connects, checks the host key and authenticates; throws {@link ConnectFailure} with the reason. */
    @Override
    public ClientSession connect() throws ConnectFailure {
        Duration timeout = options.connectTimeout();
        var server = options.server();
        ClientSession session = null;
        try {
            session = client.connect(server.user(), InetSocketAddress.createUnresolved(server.host(), server.port()),
                    null, null).verify(timeout.plusSeconds(1)).getSession();
            session.addPublicKeyIdentity(options.identity());
            session.auth().verify(timeout);
            ResumeTokens.fetch(session, timeout);
            // Our heartbeat, not MINA's: any bytes from the server count, and a detached carrier is not a dead one.
            PeerAliveProbe.start(session, options.heartbeat(), options.heartbeatMisses(),
                    client.getScheduledExecutorService());
            return session;
        } catch (IOException | RuntimeException e) {
            ConnectFailure failure = explain(session, e);
            if (session != null) {
                session.close(true);
            }
            throw failure;
        }
    }

    private ConnectFailure explain(ClientSession session, Exception e) {
        String target = options.server().toString();
        String rejection = session == null ? null : verifier.rejection(session);
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
        if (e instanceof SshException && msg.contains("No more authentication methods")) {
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
        try {
            client.close(false).await(Duration.ofSeconds(2));
        } catch (IOException e) {
            client.close(true);
        }
    }
}
