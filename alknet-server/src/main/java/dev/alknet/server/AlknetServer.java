package dev.alknet.server;

import dev.alknet.core.channel.ChannelLimit;
import dev.alknet.core.channel.ChannelListenerGroup;
import dev.alknet.core.config.ServerAddress;
import dev.alknet.core.config.SshDefaults;
import dev.alknet.core.drain.DrainWait;
import dev.alknet.core.drain.OpenChannels;
import dev.alknet.core.metrics.ChannelMetrics;
import dev.alknet.core.metrics.CountingAuthenticator;
import dev.alknet.core.metrics.SessionMetrics;
import dev.alknet.core.resume.ResumeTokens;
import dev.alknet.core.ssh.ForwardOnlyPolicy;
import dev.alknet.core.ssh.TransportSshServer;
import dev.alknet.server.dial.DestinationPolicy;
import dev.alknet.server.dial.Dialer;
import dev.alknet.server.dial.DirectDialer;
import dev.alknet.server.dial.DirectTcpipChannelFactory;
import dev.alknet.server.dial.ExecutorHostResolver;
import dev.alknet.server.dial.HostResolver;
import dev.alknet.server.dial.OutboundProxy;
import dev.alknet.server.dial.ProxyDialer;
import dev.alknet.server.forward.RemoteListeners;
import dev.alknet.server.forward.ServerForwardingFilter;
import dev.alknet.server.keepalive.ClientAliveChecker;
import dev.alknet.server.policy.AccessPolicy;
import dev.alknet.server.policy.KeyAuthenticator;
import dev.alknet.server.stealth.StealthFront;
import dev.alknet.server.udp.UdpChannelFactory;
import dev.alknet.transport.StreamAcceptor;
import dev.alknet.transport.Transport;
import dev.alknet.transport.TransportException;
import dev.alknet.transport.TransportListener;
import dev.alknet.transport.resume.ResumableStream;
import dev.alknet.transport.resume.ResumeRegistry;
import dev.alknet.transport.resume.ServerSniffer;
import io.netty.channel.Channel;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.ServerBuilder;
import org.apache.sshd.server.auth.pubkey.UserAuthPublicKeyFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The alknet server: one SSH server (keys, auth, forwarding policy) behind any number of listeners. */
public final class AlknetServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AlknetServer.class);

    private final TransportSshServer sshd;
    private final List<TransportListener> listeners = new ArrayList<>();
    private StealthFront stealth;
    private final ServerForwardingFilter forwarding;
    private final OpenChannels channels;
    private final RemoteListeners remoteListeners;
    private final PeerAdmission admission;
    private final DetachedSessions detached;
    private final ResumeRegistry resumes;
    private final Duration resumeGrace;

    private AlknetServer(TransportSshServer sshd, ServerForwardingFilter forwarding, OpenChannels channels,
            RemoteListeners remoteListeners, PeerAdmission admission, DetachedSessions detached,
            ResumeRegistry resumes, Duration resumeGrace) {
        this.resumes = resumes;
        this.resumeGrace = resumeGrace;
        this.sshd = sshd;
        this.admission = admission;
        this.detached = detached;
        this.forwarding = forwarding;
        this.channels = channels;
        this.remoteListeners = remoteListeners;
    }

    /**
     * Builds the SSH server with the dialer and destination policy of {@code options.access()} (direct, or through
     * the outbound proxy), binds every listener; fails with one clear line.
     */
    public static AlknetServer start(ServerOptions options) throws IOException {
        OutboundProxy proxy = options.access().outboundProxy();
        Dialer dialer = proxy == null ? new DirectDialer() : new ProxyDialer(proxy);
        return start(options, new DirectTcpipChannelFactory(dialer, destinations(options.access())));
    }

    /** With a name-resolving outbound proxy, address rules can only see IP literals (docs/adr/0012). */
    private static DestinationPolicy destinations(AccessOptions access) {
        DestinationPolicy p = access.destinations();
        OutboundProxy proxy = access.outboundProxy();
        return proxy != null && proxy.proxyResolves() && p instanceof AccessPolicy a ? a.namesResolvedRemotely() : p;
    }

    /** As {@link #start(ServerOptions)}, with the given {@code direct-tcpip} implementation (policy, egress). */
    public static AlknetServer start(ServerOptions options, ChannelFactory directTcpip) throws IOException {
        return start(options, directTcpip, ExecutorHostResolver.shared());
    }

    /** As above; UDP ASSOCIATE destinations are resolved on {@code udpNames} (tests give their own names). */
    public static AlknetServer start(ServerOptions options, ChannelFactory directTcpip, HostResolver udpNames)
            throws IOException {
        if (!Files.isReadable(options.authorizedKeys())) {
            throw new IOException("no authorized_keys at " + options.authorizedKeys()
                    + " (put client public keys there; 'alknet keygen' prints one)");
        }
        TransportSshServer sshd = (TransportSshServer) ServerBuilder.builder()
                .factory(TransportSshServer::new)
                .build();
        SshDefaults.apply(sshd);
        CoreModuleProperties.SERVER_IDENTIFICATION.set(sshd, options.sshIdent());
        CoreModuleProperties.MAX_AUTH_REQUESTS.set(sshd, options.maxAuthAttempts());
        AccessOptions access = options.access();
        CoreModuleProperties.AUTH_TIMEOUT.set(sshd, access.authTimeout());
        // ChannelLimit enforces --max-channels per open; MINA's check would close the whole session instead
        CoreModuleProperties.MAX_CONCURRENT_CHANNELS.set(sshd, Integer.MAX_VALUE);
        CoreModuleProperties.AUTH_METHODS.set(sshd, "publickey");
        sshd.setKeyPairProvider(KeyPairProvider.wrap(options.hostKey()));
        sshd.setUserAuthFactories(List.of(UserAuthPublicKeyFactory.INSTANCE));
        sshd.setPasswordAuthenticator(null);
        sshd.setKeyboardInteractiveAuthenticator(null);
        sshd.setGSSAuthenticator(null);
        sshd.setPublickeyAuthenticator(CountingAuthenticator.counting(new KeyAuthenticator(options.authorizedKeys()).load()));
        ServerForwardingFilter forwarding = new ServerForwardingFilter(options.allowRemoteBind());
        RemoteListeners remoteListeners = new RemoteListeners(forwarding);
        ForwardOnlyPolicy.apply(sshd, directTcpip, forwarding, remoteListeners);
        ConnectionsPerAddress perAddress = new ConnectionsPerAddress(access.maxConnsPerIp());
        DetachedSessions detached = new DetachedSessions(perAddress, access.parked().maxDetachedPerKey(),
                access.parked().maxDetached());
        ResumeRegistry resumes = new ResumeRegistry(detached,
                options.serverId() == null ? null : java.util.HexFormat.of().parseHex(options.serverId()));
        detached.endWith(resumes);
        if (!options.resumeGrace().isZero()) {
            var global = new ArrayList<>(sshd.getGlobalRequestHandlers());
            global.add(new ResumeTokens.Handler(resumes));
            sshd.setGlobalRequestHandlers(global);
        }
        if (access.outboundProxy() == null) {
            // SOCKS UDP ASSOCIATE, docs/adr/0008
            new UdpChannelFactory(udpNames, destinations(access)).installOn(sshd);
        } else {
            // The proxy carries TCP only: refuse UDP (the client answers 0x07) rather than send it around the proxy.
            LOG.info("outbound proxy {}: all TCP egress goes through it; UDP ASSOCIATE is refused",
                    access.outboundProxy());
        }
        sshd.setChannelFactories(ChannelLimit.each(sshd.getChannelFactories(), access.maxChannels()));
        ClientAliveChecker.install(sshd, options.clientAliveInterval(), options.clientAliveMax());
        OpenChannels channels = new OpenChannels();
        sshd.addChannelListener(new ChannelListenerGroup(channels, new ChannelMetrics()));
        sshd.addSessionListener(new SessionMetrics());
        sshd.onLogin(new LoggedIn(detached));
        sshd.startUnbound();

        AlknetServer server = new AlknetServer(sshd, forwarding, channels, remoteListeners,
                new PeerAdmission(perAddress, detached, access.parked().maxPending()), detached, resumes,
                options.resumeGrace());
        try {
            if (options.stealth().enabled()) {
                server.stealth = new StealthFront(options.stealth());
            }
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
        Consumer<Channel> ssh = stream -> {
            try {
                sshd.attach(stream);
            } catch (Exception e) {
                LOG.debug("cannot start SSH on {}", stream, e);
                stream.close();
            }
        };
        if (!resumeGrace.isZero()) {
            // An alknet client's first line may offer a resumable carrier or resume one (docs/adr/0011).
            Consumer<Channel> plain = ssh;
            ssh = stream -> stream.pipeline().addLast(ServerSniffer.NAME, new ServerSniffer(resumes,
                    () -> new ResumableStream(ResumableStream.Settings.defaults(resumeGrace)), plain));
        }
        // Stealth: SSH is attached only once the peer's first bytes were SSH-2.0-; the rest meets a web server.
        StreamAcceptor acceptor = stealth == null ? ssh::accept : stealth.acceptor(address.scheme(), ssh);
        TransportListener l = transport.listen(address.endpoint(), admission, acceptor);
        listeners.add(l);
        LOG.info("listening on {}://{}{}", address.scheme(), hostPort(l), stealth == null ? "" : " (stealth)");
    }

    private static String hostPort(TransportListener l) {
        var a = l.localAddress();
        String h = a.getAddress().getHostAddress();
        return (h.indexOf(':') >= 0 ? "[" + h + "]" : h) + ":" + a.getPort();
    }

    public List<TransportListener> listeners() {
        return List.copyOf(listeners);
    }

    /** Sessions that hold a resume token (attached or waiting for their client to resume them). */
    public int resumableSessions() {
        return resumes.size();
    }

    /** Sessions parked for a resume now (counted against --max-detached). */
    public int detachedSessions() {
        return detached.count();
    }

    /** Peers accepted and not logged in yet (counted against --max-pending). */
    public int pendingHandshakes() {
        return admission.pending();
    }

    public int sessionCount() {
        return sshd.sessionCount();
    }

    /** SSH channels not closed yet: the streams a drain waits for. */
    public int openChannels() {
        return channels.count();
    }

    /**
     * Graceful stop, first half: stops accepting (listeners, new channels and {@code -R} listeners on open
     * sessions), then waits up to {@code bound} for open channels to finish. {@link #close()} ends the rest.
     *
     * @return true if every channel finished in time
     */
    public boolean drain(Duration bound) {
        listeners.forEach(TransportListener::close);
        forwarding.stopAccepting();
        remoteListeners.closeAll();
        return DrainWait.await(channels::count, bound);
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
