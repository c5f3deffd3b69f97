package dev.alknet.client;

import dev.alknet.client.failover.FailoverConnector;
import dev.alknet.client.forward.ClientForwards;
import dev.alknet.client.forward.Forwards;
import dev.alknet.client.forward.RemoteForwardFilter;
import dev.alknet.client.forward.dynamic.DynamicExit;
import dev.alknet.client.socks.SocksOptions;
import dev.alknet.client.socks.SocksServer;
import dev.alknet.core.channel.ChannelListenerGroup;
import dev.alknet.core.drain.DrainWait;
import dev.alknet.core.drain.OpenChannels;
import dev.alknet.core.metrics.ChannelMetrics;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A running client: the supervised SSH session plus its local SOCKS5h listener and port forwards. The
 * listeners are up before the first session, so programs can start at once; their streams wait for the tunnel.
 */
public final class AlknetClient implements AutoCloseable {

    private final TunnelSupervisor supervisor;
    private final SocksServer socks;
    private final ClientForwards forwards;
    private final OpenChannels channels;
    private final SessionTracker tracker;
    private final DynamicExit dynamic;
    private final SocksOptions socksOptions;
    private final List<SocksServer> moreSocks = new java.util.concurrent.CopyOnWriteArrayList<>();

    private AlknetClient(TunnelSupervisor supervisor, SocksServer socks, ClientForwards forwards,
            OpenChannels channels, SessionTracker tracker, DynamicExit dynamic, SocksOptions socksOptions) {
        this.tracker = tracker;
        this.dynamic = dynamic;
        this.socksOptions = socksOptions;
        this.supervisor = supervisor;
        this.socks = socks;
        this.forwards = forwards;
        this.channels = channels;
    }

    public static AlknetClient start(ClientOptions options, InetSocketAddress socksBind) throws IOException {
        return start(options, socksBind, Forwards.NONE);
    }

    /** As {@link #start(ClientOptions, InetSocketAddress)}, with {@code -L} and {@code -R} forwards. */
    public static AlknetClient start(ClientOptions options, InetSocketAddress socksBind, Forwards fwd)
            throws IOException {
        return start(options, socksBind, fwd, SocksOptions.defaults());
    }

    /** As {@link #start(ClientOptions, InetSocketAddress, Forwards)}, with these proxy settings (credentials). */
    public static AlknetClient start(ClientOptions options, InetSocketAddress socksBind, Forwards fwd,
            SocksOptions socksOptions) throws IOException {
        TunnelConnector connector = new TunnelConnector(options);
        return start(connector, List.of(connector), options, socksBind, fwd, socksOptions);
    }

    /**
     * As {@link #start(ClientOptions, InetSocketAddress, Forwards, SocksOptions)}, over several servers in order of
     * preference: fails over to the next, and back (see {@link FailoverConnector}); {@code probeInterval} zero turns
     * the fail-back probe off (the client then moves back only when it reconnects).
     */
    public static AlknetClient start(List<ClientOptions> servers, Duration probeInterval, InetSocketAddress socksBind,
            Forwards fwd, SocksOptions socksOptions) throws IOException {
        if (servers.size() == 1) {
            return start(servers.get(0), socksBind, fwd, socksOptions);
        }
        List<TunnelConnector> connectors = new java.util.ArrayList<>();
        for (ClientOptions o : servers) {
            connectors.add(new TunnelConnector(o, TunnelConnector.FAILOVER_RESUME_GRACE));
        }
        FailoverConnector failover = new FailoverConnector(connectors, probeInterval);
        return start(failover, connectors, servers.get(0), socksBind, fwd, socksOptions);
    }

    private static AlknetClient start(SessionConnector connector, List<TunnelConnector> sshClients,
            ClientOptions options, InetSocketAddress socksBind, Forwards fwd, SocksOptions socksOptions)
            throws IOException {
        DynamicExit dynamic = DynamicExit.start(fwd, options.connectTimeout());
        try {
            return start(connector, sshClients, options, socksBind, dynamic.forwards(), socksOptions, dynamic);
        } catch (IOException | RuntimeException e) {
            dynamic.close();
            throw e;
        }
    }

    private static AlknetClient start(SessionConnector connector, List<TunnelConnector> sshClients,
            ClientOptions options, InetSocketAddress socksBind, Forwards fwd, SocksOptions socksOptions,
            DynamicExit dynamic) throws IOException {
        OpenChannels channels = new OpenChannels();
        for (TunnelConnector c : sshClients) {
            // forwarded-tcpip channels from the server may reach our -R targets and nothing else.
            c.client().acceptForwarded(RemoteForwardFilter.allowing(fwd.remote()));
            c.client().addChannelListener(new ChannelListenerGroup(channels, new ChannelMetrics()));
        }
        TunnelSupervisor supervisor = new TunnelSupervisor(connector, options.connectWait());
        SocksServer socks;
        ClientForwards forwards;
        try {
            socks = SocksServer.start(socksBind, supervisor, socksOptions);
        } catch (RuntimeException e) {
            supervisor.close();
            throw e;
        }
        try {
            forwards = ClientForwards.start(fwd, supervisor,
                    options.connectWait().plus(SocksOptions.DEFAULT_OPEN_TIMEOUT));
        } catch (RuntimeException e) {
            socks.closeAll();
            supervisor.close();
            throw e;
        }
        supervisor.addListener(forwards.remote());
        SessionTracker tracker = new SessionTracker(connector);
        supervisor.addListener(tracker);
        supervisor.start();
        return new AlknetClient(supervisor, socks, forwards, channels, tracker, dynamic, socksOptions);
    }

    public InetSocketAddress socksAddress() {
        return socks.localAddress();
    }

    /**
     * Another proxy listener into the same tunnel, with the same options (a gateway on a LAN address as well as
     * loopback). Closed with the client.
     *
     * @throws java.io.UncheckedIOException if the address cannot be bound
     */
    public InetSocketAddress addSocksListener(InetSocketAddress bind) {
        SocksServer s = SocksServer.start(bind, supervisor, socksOptions);
        moreSocks.add(s);
        return s.localAddress();
    }

    /** Where the {@code -L} forwards listen, in the order they were given. */
    public List<InetSocketAddress> localForwardAddresses() {
        return forwards.localAddresses();
    }

    public SessionProvider sessions() {
        return supervisor;
    }

    /** The reason the last attempt to bring the tunnel up failed, or null while it is up. */
    public String lastError() {
        return supervisor.lastError();
    }

    /** Where the tunnel is now: server, up or down and since when, open streams, last error. */
    public ClientState state() {
        return tracker.state(openStreams(), lastError());
    }

    /** Completes if the client gave up for good (key refused, host key changed). */
    public CompletableFuture<ConnectFailure> fatal() {
        return supervisor.fatal();
    }

    /**
     * Graceful stop, first half: stops accepting (SOCKS, {@code -L}, and the server's {@code -R} listeners),
     * then waits up to {@code bound} for open streams to finish. {@link #close()} ends whatever is left.
     *
     * @return true if every stream finished in time
     */
    public boolean drain(Duration bound) {
        socks.close();
        moreSocks.forEach(SocksServer::close);
        forwards.stopAccepting();
        dynamic.stopAccepting();
        return DrainWait.await(this::openStreams, bound);
    }

    /** Streams still open: SOCKS and {@code -L} connections, and SSH channels (including {@code -R} ones). */
    public int openStreams() {
        return socks.openConnections() + moreSocks.stream().mapToInt(SocksServer::openConnections).sum()
                + forwards.openConnections() + channels.count();
    }

    @Override
    public void close() {
        socks.closeAll();
        moreSocks.forEach(SocksServer::closeAll);
        forwards.close();
        dynamic.close();
        supervisor.close();
    }
}
