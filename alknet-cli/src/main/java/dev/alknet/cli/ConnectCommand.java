package dev.alknet.cli;

import dev.alknet.cli.status.StateFile;
import dev.alknet.client.autopick.TransportMemory;
import dev.alknet.client.AlknetClient;
import dev.alknet.client.ClientOptions;
import dev.alknet.client.ConnectFailure;
import dev.alknet.client.JumpHosts;
import dev.alknet.client.forward.ForwardSpec;
import dev.alknet.client.forward.Forwards;
import dev.alknet.client.forward.dynamic.ExitPolicy;
import dev.alknet.client.socks.SocksExposure;
import dev.alknet.client.socks.SocksOptions;
import dev.alknet.core.config.AlknetHome;
import dev.alknet.core.config.HostPort;
import dev.alknet.core.config.ServerAddress;
import dev.alknet.core.hostkeys.HostKeyPolicy;
import dev.alknet.core.keys.KeyFileException;
import dev.alknet.core.keys.KeyFiles;
import dev.alknet.transport.EventLoops;
import dev.alknet.transport.TransportSettings;
import dev.alknet.transport.Transports;
import dev.alknet.transport.tls.TlsClientOptions;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "connect", mixinStandardHelpOptions = true,
        description = "Connect to an alknet (or any SSH) server and open a local SOCKS5h proxy through it.",
        footer = {"", "Examples:",
                "  alknet connect tls://vps.example.com --socks 127.0.0.1:1080",
                "  alknet connect quic://vps1.example.com tls://vps2.example.com     # fail over in this order",
                "  alknet connect wss://example.com/assets/socket --tls-verify      # behind nginx or a CDN",
                "  alknet connect tcp://vps.example.com:2222 -L 5432:db.internal:5432 -R 8080:127.0.0.1:3000",
                "  alknet connect tls://inner.example.com --jump tls://bastion.example.com   # as ssh -J",
                "  alknet connect --config ~/.alknet/client.yaml",
                "  curl --socks5-hostname 127.0.0.1:1080 https://example.com"})
final class ConnectCommand implements Callable<Integer> {

    @Mixin
    HomeOption home;

    @Mixin
    ConfigOption config;

    @Parameters(arity = "1..*", paramLabel = "SERVER", description = "Server URL: tcp://[user@]host[:port] (port 22), "
            + "tls://host[:port] or quic://host[:port] (port 443), ws://host[:port][/path] (port 80) or "
            + "wss://host[:port][/path] (port 443; path / by default); user alknet by default; or an alknet://... share "
            + "string. Several: tried in this order, failing over to the next and back to an earlier one when it "
            + "answers again. Without a scheme ([user@]host[:port]): the client picks the transport itself (quic and tls "
            + "raced, then tcp), and remembers per network which one worked; as does a share string listing several "
            + "(alknet://host?transports=quic:443,tls:443,...).")
    List<String> servers = new ArrayList<>();

    @Option(names = "--socks", paramLabel = "ADDR:PORT",
            description = "Local proxy listener: SOCKS5h, SOCKS4a, HTTP CONNECT and plain HTTP on one port, UDP via "
                    + "SOCKS5 UDP ASSOCIATE (default: 127.0.0.1:1080; repeatable: several listeners, e.g. loopback "
                    + "and a LAN address, see --socks-allow).")
    List<String> socks = new ArrayList<>();

    /** The --socks listeners; loopback only unless told otherwise. */
    List<String> socksListeners() {
        return socks.isEmpty() ? List.of("127.0.0.1:1080") : socks;
    }

    @Mixin
    ProxyOptions proxy;

    @Mixin
    TransportOptions transport;

    @Mixin
    FailoverOptions failover;

    @Mixin
    MetricsOptions metrics;

    @Mixin
    StrictConnectOptions strict;

    @Mixin
    LoggingOptions logging;

    @Option(names = "--strict-host-key", description = "Refuse servers whose host key is not in known_hosts yet.")
    boolean strictHostKey;

    @Option(names = "--host-key", paramLabel = "SHA256:...", description = "Require this server host key fingerprint.")
    String hostKey;

    @Option(names = "--connect-timeout", paramLabel = "DURATION", defaultValue = "10s",
            description = "Bound on one connection attempt (default: ${DEFAULT-VALUE}).")
    Duration connectTimeout;

    @Option(names = "--connect-wait", paramLabel = "DURATION", defaultValue = "10s",
            description = "How long a new stream waits while the tunnel is down (default: ${DEFAULT-VALUE}).")
    Duration connectWait;

    @Option(names = "--heartbeat", paramLabel = "DURATION", defaultValue = "15s",
            description = "SSH heartbeat interval; 3 unanswered mean the session is dead (default: ${DEFAULT-VALUE}).")
    Duration heartbeat;

    @Option(names = {"-L", "--local-forward"}, paramLabel = "[BIND:]PORT:HOST:HOSTPORT",
            converter = ForwardSpecConverter.class,
            description = "Listen here on PORT (loopback unless BIND; * for all) and forward each connection through "
                    + "the tunnel to HOST:HOSTPORT, as ssh -L; IPv6 in brackets; repeatable.")
    List<ForwardSpec> localForwards = new ArrayList<>();

    @Option(names = {"-R", "--remote-forward"}, paramLabel = "[BIND:]PORT[:HOST:HOSTPORT]",
            converter = RemoteForwardSpecConverter.class,
            description = "Have the server listen on PORT (its loopback unless BIND and the server allows it) and "
                    + "forward each connection back to HOST:HOSTPORT from here, as ssh -R; kept across reconnects; "
                    + "repeatable. Without HOST:HOSTPORT (as ssh -R 1080) each connection is a SOCKS5/SOCKS4a/HTTP "
                    + "proxy request dialled from here (never to this machine's own addresses unless "
                    + "--dynamic-allow-local).")
    List<ForwardSpec> remoteForwards = new ArrayList<>();

    @Option(names = "--dynamic-allow-local",
            description = "Let dynamic -R connections reach this machine's loopback and own addresses (refused by "
                    + "default: the server picks those destinations).")
    boolean dynamicAllowLocal;

    @Option(names = {"-J", "--jump"}, paramLabel = "URL",
            description = "Reach the server through this jump host: tcp:// or tls://[user@]host[:port]; repeatable, "
                    + "the first given is the first hop, as ssh -J. Each later hop and the server are dialled by the hop "
                    + "before (its destination policy must allow them), with plain SSH inside the channel for tcp:// and "
                    + "TLS for tls://; every hop's host key is checked against its own known_hosts entry.")
    List<String> jumps = new ArrayList<>();

    @Option(names = "--drain-timeout", paramLabel = "DURATION", defaultValue = "2s",
            description = "On SIGTERM/SIGINT, how long open streams may take to finish before they are closed "
                    + "(default: ${DEFAULT-VALUE}).")
    Duration drainTimeout;

    @Option(names = "--io-threads", paramLabel = "N", defaultValue = "1",
            description = "Event loop threads (default: ${DEFAULT-VALUE}: the tunnel is one SSH session, and one thread "
                    + "carries it without a hand-over between threads per packet; docs/performance.md).")
    int ioThreads;

    @Override
    public Integer call() throws Exception {
        EventLoops.useThreads(IoThreads.check(ioThreads));
        AlknetHome h = home.resolve();
        List<ShareLink> links = new ArrayList<>();
        boolean autoPick = AutoPick.applies(servers);
        if (autoPick) {
            for (String s : AutoPick.candidates(servers.get(0))) {
                links.add(strict.resolve(s));
            }
        } else if (servers.size() == 1) {
            links.addAll(strict.resolveAll(servers.get(0))); // a share string may list several transports
            autoPick = links.size() > 1;
        } else {
            for (String s : servers) {
                links.add(strict.resolve(s));
            }
        }
        List<HostPort> socksAt = new ArrayList<>();
        for (String s : socksListeners()) {
            socksAt.add(HostPort.parse(s, -1, false, s));
        }
        if (hostKey != null && !hostKey.startsWith("SHA256:")) {
            throw new IllegalArgumentException("--host-key must be a SHA256:... fingerprint");
        }
        if (!Files.exists(h.identity())) {
            throw new KeyFileException("no identity at " + h.identity() + " (run 'alknet keygen' first)");
        }
        var identity = KeyFiles.load(h.identity());
        if (transport.wsHost != null && links.stream().noneMatch(l -> ServerAddress.isWs(l.server().scheme()))) {
            throw new IllegalArgumentException("--ws-host is for ws:// and wss:// servers");
        }
        HostKeyPolicy hostKeys = strictHostKey ? HostKeyPolicy.STRICT : HostKeyPolicy.TRUST_ON_FIRST_USE;
        Forwards forwards = new Forwards(localForwards, remoteForwards, new ExitPolicy(dynamicAllowLocal));
        SocksOptions socksOptions = proxy.socksOptions();
        ShutdownSignal signal = new ShutdownSignal();
        try (JumpHosts hops = new JumpHosts()) {
            for (String jump : jumps) {
                ServerAddress a = ServerAddress.parse(jump, false);
                // --via reaches the first hop; --tls-pin, --tls-server-name and --host-key name the server, not a hop
                TransportSettings.Builder settings = transport.clientSettings(connectTimeout, a).toBuilder()
                        .tlsClient(new TlsClientOptions(null, transport.tlsVerify, null));
                if (hops.any()) {
                    settings.via(null).streams(hops.streams());
                }
                hops.add(new ClientOptions(a, Transports.create(a.scheme(), settings.build()), identity,
                        h.knownHosts(), hostKeys, null, connectTimeout, connectWait, heartbeat, 3));
            }
            List<ClientOptions> options = serverOptions(links, transport, hops, identity, h, hostKeys, hostKey,
                    connectTimeout, connectWait, heartbeat);
            return run(h, links, options, autoPick, hops, forwards, socksOptions, socksAt, signal);
        }
    }

    /**
     * One {@link ClientOptions} per server: its transport settings (pin from --tls-pin or the share link, stealth key,
     * the jump hosts' streams) and host key check; {@code doctor} dials the same way.
     */
    static List<ClientOptions> serverOptions(List<ShareLink> links, TransportOptions transport, JumpHosts hops,
            java.security.KeyPair identity, AlknetHome h, HostKeyPolicy hostKeys, String hostKey,
            Duration connectTimeout, Duration connectWait, Duration heartbeat) {
        String pinGiven = transport.pinList();
        List<ClientOptions> options = new ArrayList<>();
        for (ShareLink link : links) {
            ServerAddress a = link.server();
            transport.tlsPin = pinGiven != null ? pinGiven : link.pin();
            TransportSettings.Builder settings = transport.clientSettings(connectTimeout, a).toBuilder()
                    .stealthKey(link.key());
            if (hops.any()) {
                settings.via(null).streams(hops.streams());
            }
            options.add(new ClientOptions(a, Transports.create(a.scheme(), settings.build()), identity,
                    h.knownHosts(), hostKeys, hostKey != null ? hostKey : link.hostKey(), connectTimeout,
                    connectWait, heartbeat, 3));
        }
        return options;
    }

    private int run(AlknetHome h, List<ShareLink> links, List<ClientOptions> options, boolean autoPick,
            JumpHosts hops, Forwards forwards, SocksOptions socksOptions, List<HostPort> socksAt, ShutdownSignal signal)
            throws Exception {
        List<ServerAddress> addresses = links.stream().map(ShareLink::server).toList();
        String address = (autoPick ? AutoPick.serverName(addresses.get(0)) + " (transport picked: "
                + String.join(", ", addresses.stream().map(ServerAddress::scheme).toList()) + ")"
                : addresses.size() == 1 ? addresses.get(0).toString() : addresses.toString())
                + (jumps.isEmpty() ? "" : " via " + String.join(" -> ", jumps));
        try (MetricsOptions.Exporter exporter = metrics.start("client");
                AlknetClient client = autoPick
                        ? AlknetClient.startAutoPick(options, new TransportMemory(h.dir().resolve("transports.json")),
                                new InetSocketAddress(socksAt.get(0).host(), socksAt.get(0).port()), forwards, socksOptions)
                        : AlknetClient.start(options, failover.failbackInterval,
                                new InetSocketAddress(socksAt.get(0).host(), socksAt.get(0).port()), forwards, socksOptions)) {
            List<InetSocketAddress> proxies = new ArrayList<>(List.of(client.socksAddress()));
            for (HostPort more : socksAt.subList(1, socksAt.size())) {
                proxies.add(client.addSocksListener(new InetSocketAddress(more.host(), more.port())));
            }
            for (InetSocketAddress p : proxies) {
                System.err.println("SOCKS5h proxy on " + p + " -> " + address
                        + (socksOptions.allowedSources().isEmpty() ? "" : " (sources " + socksOptions.allowedSources() + ")"));
            }
            StateFile state = StateFile.start(h.dir(), client,
                    addresses.stream().map(Object::toString).toList(), exporter.url()); // never the share strings: they hold keys
            for (InetSocketAddress p : proxies) {
                SocksExposure.warning(p, socksOptions.requiresAuth() || !socksOptions.allowedSources().isEmpty())
                        .ifPresent(System.err::println);
            }
            for (int i = 0; i < localForwards.size(); i++) {
                System.err.println("-L " + localForwards.get(i) + " listening on " + client.localForwardAddresses().get(i));
            }
            Object ended;
            try (state) {
                ended = CompletableFuture.anyOf(signal.received(), client.fatal(), hops.fatal()).join();
            }
            if (ended instanceof ConnectFailure failure) {
                throw failure;
            }
            System.err.println(ended + ": draining (up to " + drainTimeout.toMillis() + " ms)");
            if (!client.drain(drainTimeout)) {
                System.err.println(client.openStreams() + " streams still open: closing them");
            }
            System.err.println("shutting down");
        }
        return 0;
    }
}
