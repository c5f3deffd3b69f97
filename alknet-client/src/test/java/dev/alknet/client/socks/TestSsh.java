package dev.alknet.client.socks;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.helpers.AbstractConnectionService;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.auth.password.UserAuthPasswordFactory;
import org.apache.sshd.server.forward.ForwardingFilter;
import org.apache.sshd.server.forward.TcpForwardingFilter;
import org.apache.sshd.server.session.ServerUserAuthServiceFactory;

/** An in-process MINA SSH server on 127.0.0.1 that allows direct-tcpip except to {@value #FORBIDDEN_HOST}. */
final class TestSsh implements AutoCloseable {

    static final String FORBIDDEN_HOST = "forbidden.test";
    static final String USER = "alk";
    static final String PASSWORD = "test-only";
    static final Duration WAIT = Duration.ofSeconds(10);

    static {
        TestLogging.configure();
    }

    /** Host names the server was asked to dial, exactly as they arrived. */
    final List<String> dialledHosts = new CopyOnWriteArrayList<>();
    private final SshServer server;

    private TestSsh(boolean halfCloseChannels) throws IOException, GeneralSecurityException {
        server = SshServer.setUpDefaultServer();
        server.setHost("127.0.0.1");
        server.setPort(0);
        server.setKeyPairProvider(KeyPairProvider.wrap(KeyUtils.generateKeyPair(KeyPairProvider.ECDSA_SHA2_NISTP256, 256)));
        server.setUserAuthFactories(List.of(UserAuthPasswordFactory.INSTANCE));
        server.setPasswordAuthenticator((user, password, session) -> USER.equals(user) && PASSWORD.equals(password));
        server.setForwardingFilter(ForwardingFilter.asForwardingFilter(null, null, new TcpForwardingFilter() {
            @Override
            public boolean canListen(SshdSocketAddress address, Session session) {
                return false;
            }

            @Override
            public boolean canConnect(Type type, SshdSocketAddress address, Session session) {
                dialledHosts.add(address.getHostName());
                return !FORBIDDEN_HOST.equals(address.getHostName());
            }
        }));
        if (halfCloseChannels) {
            server.setChannelFactories(List.of(HalfCloseTcpipChannel.FACTORY));
        } else {
            server.setServiceFactories(
                    List.of(ServerUserAuthServiceFactory.INSTANCE, new DescribingConnectionServiceFactory()));
        }
        server.start();
    }

    /** MINA's own TcpipServerChannel, with alknet-server's failure descriptions for refused dials. */
    static TestSsh stockChannels() throws IOException, GeneralSecurityException {
        return new TestSsh(false);
    }

    /** {@link HalfCloseTcpipChannel}: proper half-close and a slow-open host. */
    static TestSsh halfCloseChannels() throws IOException, GeneralSecurityException {
        return new TestSsh(true);
    }

    static SshClient newClient() {
        SshClient client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE); // test only
        client.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
        client.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
        client.start();
        return client;
    }

    ClientSession connect(SshClient client) throws IOException {
        ClientSession session = client.connect(USER, "127.0.0.1", server.getPort()).verify(WAIT).getSession();
        session.addPasswordIdentity(PASSWORD);
        session.auth().verify(WAIT);
        return session;
    }

    /** Channels the server side still holds, over all sessions. */
    int serverChannels() {
        int n = 0;
        for (Session s : server.getActiveSessions()) {
            n += channels(s).size();
        }
        return n;
    }

    /** Whether a session of the server still holds its channel {@code id}. */
    boolean serverHolds(long id) {
        return server.getActiveSessions().stream()
                .anyMatch(s -> channels(s).stream().anyMatch(c -> c.getChannelId() == id));
    }

    static Collection<Channel> channels(Session session) {
        return ((AbstractConnectionService) session.getService(ConnectionService.class)).getChannels();
    }

    @Override
    public void close() throws IOException {
        server.stop(true);
    }
}
