package dev.alknet.server.dial;

import java.io.IOException;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.future.OpenFuture;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.cipher.Cipher;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.common.session.helpers.AbstractConnectionService;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.forward.ForwardingFilter;
import org.apache.sshd.server.forward.TcpForwardingFilter;

/** In-process MINA server (with the channel factory under test) and an authenticated MINA client session. */
final class SshFixture implements AutoCloseable {

    static final Duration TIMEOUT = Duration.ofSeconds(10);

    final SshServer server;
    final SshClient client;
    final ClientSession session;
    final AtomicInteger serverKexCompleted = new AtomicInteger();

    SshFixture(DirectTcpipChannelFactory factory, Consumer<SshServer> configure) throws Exception {
        server = SshServer.setUpDefaultServer();
        server.setHost("127.0.0.1");
        server.setPort(0);
        KeyPair hostKey = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        server.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
        server.setPasswordAuthenticator((user, password, s) -> true); // test only
        server.setPublickeyAuthenticator(null);
        server.setKeyboardInteractiveAuthenticator(null);
        server.setChannelFactories(List.of(factory));
        server.setForwardingFilter(ForwardingFilter.asForwardingFilter(null, null, TcpForwardingFilter.DEFAULT));
        // Pure-Java chacha20 would dominate the run time; GCM uses AES-NI.
        List<NamedFactory<Cipher>> ciphers = List.of(BuiltinCiphers.aes128gcm);
        server.setCipherFactories(ciphers);
        // Re-keys happen every few MiB here; the default post-quantum hybrids cost ~250 ms each in pure Java.
        server.setKeyExchangeFactories(server.getKeyExchangeFactories().stream()
                .filter(k -> k.getName().startsWith("curve25519"))
                .toList());
        server.addSessionListener(new SessionListener() {
            @Override
            public void sessionEvent(Session s, Event event) {
                if (event == Event.KexCompleted) {
                    serverKexCompleted.incrementAndGet();
                }
            }
        });
        configure.accept(server);
        server.start();

        client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
        client.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
        client.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
        client.start();
        session = client.connect("test", "127.0.0.1", server.getPort()).verify(TIMEOUT).getSession();
        session.addPasswordIdentity("test");
        session.auth().verify(TIMEOUT);
    }

    /** Sends the open; the caller awaits the returned channel's open future. */
    EofAwareDirectTcpip channel(String host, int port) throws IOException {
        EofAwareDirectTcpip ch = new EofAwareDirectTcpip(new SshdSocketAddress(host, port));
        session.getService(ConnectionService.class).registerChannel(ch);
        return ch;
    }

    EofAwareDirectTcpip open(String host, int port) throws IOException {
        EofAwareDirectTcpip ch = channel(host, port);
        OpenFuture f = ch.open();
        f.verify(TIMEOUT);
        return ch;
    }

    /** Whether a channel the server holds has had the client's EOF. */
    boolean serverHadEof() {
        return server.getActiveSessions().stream()
                .map(s -> (AbstractConnectionService) s.getService(ConnectionService.class))
                .flatMap(service -> service.getChannels().stream())
                .anyMatch(c -> ((org.apache.sshd.common.channel.AbstractChannel) c).isEofSignalled());
    }

    /** Channels the server still holds across all sessions. */
    int serverChannels() {
        return server.getActiveSessions().stream()
                .mapToInt(s -> ((AbstractConnectionService) s.getService(ConnectionService.class)).getChannels().size())
                .sum();
    }

    @Override
    public void close() throws IOException {
        client.stop();
        server.stop(true);
    }
}
