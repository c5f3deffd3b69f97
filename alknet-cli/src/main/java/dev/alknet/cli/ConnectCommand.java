package dev.alknet.cli;

import dev.alknet.cli.status.StateFile;
import dev.alknet.client.AlknetClient;
import dev.alknet.client.ClientOptions;
import dev.alknet.client.ConnectFailure;
import dev.alknet.client.forward.ForwardSpec;
import dev.alknet.client.forward.Forwards;
import dev.alknet.client.socks.SocksExposure;
import dev.alknet.client.socks.SocksOptions;
import dev.alknet.core.config.AlknetHome;
import dev.alknet.core.config.HostPort;
import dev.alknet.core.config.ServerAddress;
import dev.alknet.core.hostkeys.HostKeyPolicy;
import dev.alknet.core.keys.KeyFileException;
import dev.alknet.core.keys.KeyFiles;
import dev.alknet.transport.EventLoops;
import dev.alknet.transport.Transports;
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
                "  alknet connect tcp://vps.example.com:2222 -L 5432:db.internal:5432 -R 8080:127.0.0.1:3000",
                "  alknet connect --config ~/.alknet/client.yaml",
                "  curl --socks5-hostname 127.0.0.1:1080 https://example.com"})
final class ConnectCommand implements Callable<Integer> {

    @Mixin
    HomeOption home;

    @Mixin
    ConfigOption config;

    @Parameters(arity = "1..*", paramLabel = "SERVER", description = "Server URL: tcp://[user@]host[:port] (port 22), "
            + "tls://host[:port] or quic://host[:port] (port 443); user alknet by default; or an alknet://... share "
            + "string. Several: tried in this order, failing over to the next and back to an earlier one when it "
            + "answers again.")
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

    @Option(names = {"-R", "--remote-forward"}, paramLabel = "[BIND:]PORT:HOST:HOSTPORT",
            converter = ForwardSpecConverter.class,
            description = "Have the server listen on PORT (its loopback unless BIND and the server allows it) and "
                    + "forward each connection back to HOST:HOSTPORT from here, as ssh -R; kept across reconnects; "
                    + "repeatable.")
    List<ForwardSpec> remoteForwards = new ArrayList<>();

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
        for (String s : servers) {
            links.add(strict.resolve(s));
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
        String pinGiven = transport.tlsPin;
        List<ClientOptions> options = new ArrayList<>();
        for (ShareLink link : links) {
            ServerAddress a = link.server();
            transport.tlsPin = pinGiven != null ? pinGiven : link.pin();
            options.add(new ClientOptions(a, Transports.create(a.scheme(),
                    transport.clientSettings(connectTimeout).toBuilder().stealthKey(link.key()).build()),
                    identity, h.knownHosts(),
                    strictHostKey ? HostKeyPolicy.STRICT : HostKeyPolicy.TRUST_ON_FIRST_USE,
                    hostKey != null ? hostKey : link.hostKey(), connectTimeout, connectWait, heartbeat, 3));
        }
        List<ServerAddress> addresses = links.stream().map(ShareLink::server).toList();
        String address = addresses.size() == 1 ? addresses.get(0).toString() : addresses.toString();
        Forwards forwards = new Forwards(localForwards, remoteForwards);
        SocksOptions socksOptions = proxy.socksOptions();
        ShutdownSignal signal = new ShutdownSignal();
        try (MetricsOptions.Exporter exporter = metrics.start("client");
                AlknetClient client = AlknetClient.start(options, failover.failbackInterval,
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
                ended = CompletableFuture.anyOf(signal.received(), client.fatal()).join();
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
