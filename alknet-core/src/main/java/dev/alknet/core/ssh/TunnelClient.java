package dev.alknet.core.ssh;

import dev.alknet.core.config.HostPort;
import dev.alknet.core.config.ServerAddress;
import dev.alknet.core.config.SshDefaults;
import dev.alknet.core.forward.ForwardedTcpipChannels;
import dev.alknet.core.hostkeys.KnownHostsVerifier;
import dev.alknet.core.keepalive.PeerAliveProbe;
import dev.alknet.core.resume.ResumeTokens;
import dev.alknet.transport.Transport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.apache.sshd.client.ClientBuilder;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshException;
import org.apache.sshd.common.channel.ChannelListener;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.core.CoreModuleProperties;

/**
 * The client's SSH end towards one server: MINA's client over an alknet transport, set up as alknet wants it (only
 * alknet's own identity, its host-key check, its heartbeat), handing out {@link SshSession}s.
 */
public final class TunnelClient implements AutoCloseable {

    /** A connect that failed; says whether the host key or the login key was refused (both are for good). */
    public static final class ConnectException extends IOException {
        private final String hostKeyRejection;
        private final boolean keyRefused;

        ConnectException(Exception cause, String hostKeyRejection, boolean keyRefused) {
            super(cause.getMessage(), cause);
            this.hostKeyRejection = hostKeyRejection;
            this.keyRefused = keyRefused;
        }

        /** Why the server's host key was refused, or null if it was not. */
        public String hostKeyRejection() {
            return hostKeyRejection;
        }

        /** The server refused our key (no more authentication methods). */
        public boolean keyRefused() {
            return keyRefused;
        }

        /** What the connect failed with. */
        public Exception original() {
            return (Exception) getCause();
        }
    }

    private final TransportSshClient client;
    private final KnownHostsVerifier verifier;

    /** Other ways to the server a resume may take (the transports a client picks from; see ResumeCarriers). */
    public void resumeAlsoOver(java.util.List<dev.alknet.core.bridge.ResumeCarriers.Carrier> others) {
        client.resumeCarriers().add(others);
    }

    /** Told the scheme a resume moved the session to (another of {@link #resumeAlsoOver}'s transports). */
    public void onResumeMoved(java.util.function.Consumer<String> scheme) {
        client.resumeCarriers().onMoved(e -> scheme.accept(e.scheme()));
    }

    /**
     * @param resumable   offer a carrier that survives drops (docs/adr/0011)
     * @param resumeGrace how long a lost carrier is retried before the session is given up
     */
    public TunnelClient(Transport transport, boolean resumable, Duration resumeGrace, KnownHostsVerifier verifier) {
        TransportSshClient c = (TransportSshClient) ClientBuilder.builder()
                .factory(() -> new TransportSshClient(transport, resumable, resumeGrace))
                .build();
        SshDefaults.apply(c);
        this.verifier = verifier;
        c.setServerKeyVerifier(verifier);
        // Never pick up ~/.ssh/config or ~/.ssh/id_*: only alknet's own identity is offered.
        c.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
        c.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
        c.setUserAuthFactories(List.of(UserAuthPublicKeyFactory.INSTANCE));
        CoreModuleProperties.CLIENT_IDENTIFICATION.set(c, TransportSshClient.identification(resumable));
        c.start();
        this.client = c;
    }

    /**
     * Connects, checks the host key, authenticates with {@code identity}, fetches the resume token and starts the
     * heartbeat; a failure closes what was opened.
     *
     * @param timeout bounds the connect and the authentication each
     */
    public SshSession connect(ServerAddress server, KeyPair identity, Duration timeout, Duration heartbeat,
            int heartbeatMisses) throws ConnectException {
        ClientSession session = null;
        try {
            session = client.connect(server.user(), InetSocketAddress.createUnresolved(server.host(), server.port()),
                    null, null).verify(timeout.plusSeconds(1)).getSession();
            session.addPublicKeyIdentity(identity);
            session.auth().verify(timeout);
            ResumeTokens.fetch(session, timeout);
            // Our heartbeat, not MINA's: any bytes from the server count, and a detached carrier is not a dead one.
            PeerAliveProbe.start(session, heartbeat, heartbeatMisses, client.getScheduledExecutorService());
            return SshSession.of(session);
        } catch (IOException | RuntimeException e) {
            String rejection = session == null ? null : verifier.rejection(session);
            boolean keyRefused = e instanceof SshException
                    && String.valueOf(e.getMessage()).contains("No more authentication methods");
            if (session != null) {
                session.close(true);
            }
            throw new ConnectException(e, rejection, keyRefused);
        }
    }

    /** {@code forwarded-tcpip} channels ({@code -R}) may reach the targets {@code allowed} admits, nothing else. */
    public void acceptForwarded(Predicate<HostPort> allowed) {
        ForwardedTcpipChannels.acceptOn(client, allowed);
    }

    /** Told of every channel of every session (metrics, open-channel counts). */
    public void addChannelListener(ChannelListener listener) {
        client.addChannelListener(listener);
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
