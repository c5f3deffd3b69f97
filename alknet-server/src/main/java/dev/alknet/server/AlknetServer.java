package dev.alknet.server;

import dev.alknet.core.config.ServerAddress;
import dev.alknet.core.config.SshDefaults;
import dev.alknet.core.ssh.TransportSshServer;
import dev.alknet.server.dial.DirectDialer;
import dev.alknet.server.dial.DirectTcpipChannelFactory;
import dev.alknet.transport.Transport;
import dev.alknet.transport.TransportException;
import dev.alknet.transport.TransportListener;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.ServerBuilder;
import org.apache.sshd.server.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.server.config.keys.AuthorizedKeysAuthenticator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The alknet server: one SSH server (keys, auth, forwarding policy) behind any number of listeners. */
public final class AlknetServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AlknetServer.class);

    private final TransportSshServer sshd;
    private final List<TransportListener> listeners = new ArrayList<>();

    private AlknetServer(TransportSshServer sshd) {
        this.sshd = sshd;
    }

    /** Builds the SSH server with the default dialer, binds every listener; fails with one clear line. */
    public static AlknetServer start(ServerOptions options) throws IOException {
        return start(options, new DirectTcpipChannelFactory(new DirectDialer()));
    }

    /** As {@link #start(ServerOptions)}, with the given {@code direct-tcpip} implementation (policy, egress). */
    public static AlknetServer start(ServerOptions options, ChannelFactory directTcpip) throws IOException {
        if (!Files.isReadable(options.authorizedKeys())) {
            throw new IOException("no authorized_keys at " + options.authorizedKeys()
                    + " (put client public keys there; 'alknet keygen' prints one)");
        }
        TransportSshServer sshd = (TransportSshServer) ServerBuilder.builder()
                .factory(TransportSshServer::new)
                .build();
        SshDefaults.apply(sshd);
        CoreModuleProperties.SERVER_IDENTIFICATION.set(sshd, SshDefaults.IDENTIFICATION);
        CoreModuleProperties.MAX_AUTH_REQUESTS.set(sshd, options.maxAuthAttempts());
        CoreModuleProperties.AUTH_METHODS.set(sshd, "publickey");
        sshd.setKeyPairProvider(KeyPairProvider.wrap(options.hostKey()));
        sshd.setUserAuthFactories(List.of(UserAuthPublicKeyFactory.INSTANCE));
        sshd.setPasswordAuthenticator(null);
        sshd.setKeyboardInteractiveAuthenticator(null);
        sshd.setGSSAuthenticator(null);
        sshd.setPublickeyAuthenticator(new AuthorizedKeysAuthenticator(options.authorizedKeys()));
        ForwardOnlyPolicy.apply(sshd, directTcpip);
        sshd.startUnbound();

        AlknetServer server = new AlknetServer(sshd);
        try {
            for (ServerAddress address : options.listen()) {
                server.listen(address, options.transports().apply(address));
            }
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    private void listen(ServerAddress address, Transport transport) throws TransportException {
        TransportListener l = transport.listen(address.endpoint(), stream -> {
            try {
                sshd.attach(stream);
            } catch (Exception e) {
                LOG.debug("cannot start SSH on {}", stream, e);
                stream.close();
            }
        });
        listeners.add(l);
        LOG.info("listening on {}://{}", address.scheme(), hostPort(l));
    }

    private static String hostPort(TransportListener l) {
        var a = l.localAddress();
        String h = a.getAddress().getHostAddress();
        return (h.indexOf(':') >= 0 ? "[" + h + "]" : h) + ":" + a.getPort();
    }

    public List<TransportListener> listeners() {
        return List.copyOf(listeners);
    }

    public int sessionCount() {
        return sshd.sessionCount();
    }

    /** Stops accepting, then closes every session. */
    @Override
    public void close() {
        listeners.forEach(TransportListener::close);
        try {
            sshd.stop(false);
        } catch (IOException e) {
            LOG.debug("closing sessions", e);
        }
    }
}
