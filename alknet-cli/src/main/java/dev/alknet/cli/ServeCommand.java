package dev.alknet.cli;

import dev.alknet.core.config.AlknetHome;
import dev.alknet.core.config.ServerAddress;
import dev.alknet.core.keys.KeyFiles;
import dev.alknet.server.AlknetServer;
import dev.alknet.server.ServerOptions;
import dev.alknet.server.stealth.StealthOptions;
import java.nio.file.Path;
import java.time.Duration;
import dev.alknet.transport.TransportSettings;
import dev.alknet.transport.EventLoops;
import dev.alknet.transport.Transports;
import dev.alknet.transport.ws.WsOptions;
import dev.alknet.transport.Cidr;
import dev.alknet.transport.proxyprotocol.ProxyProtocol;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the alknet server: SSH (public keys only, forwarding only) on every --listen address.",
        footer = {"", "Examples:",
                "  alknet serve --listen tcp://0.0.0.0:2222",
                "  alknet serve --listen tls://0.0.0.0:443 --listen quic://0.0.0.0:443 --stealth --stealth-site /var/www/html",
                "  alknet serve --config /etc/alknet/server.yaml --metrics 127.0.0.1:9464",
                "  server.yaml:  listen: [tls://0.0.0.0:443, quic://0.0.0.0:443]",
                "                stealth: compatible"})
final class ServeCommand implements Callable<Integer> {

    @Mixin
    HomeOption home;

    @Mixin
    ConfigOption config;

    @Option(names = "--listen", paramLabel = "URL", required = true,
            description = "Address to serve: tcp://0.0.0.0:2222, tls://:443, quic://:443, tcp://[::]:2222, or"
                    + " ws://127.0.0.1:8080/assets/socket behind a reverse proxy (wss:// with TLS) (repeatable).")
    List<String> listen = new ArrayList<>();

    @Option(names = "--authorized-keys", paramLabel = "FILE",
            description = "Client public keys (default: <home>/authorized_keys).")
    Path authorizedKeys;

    @Mixin
    TransportOptions transport;

    @Mixin
    MetricsOptions metrics;

    @Mixin
    AcmeOptions acme;

    @Mixin
    PolicyOptions policy;

    @Mixin
    LoggingOptions logging;

    @Option(names = "--max-auth-attempts", paramLabel = "N", defaultValue = "6",
            description = "Authentication attempts per connection (default: ${DEFAULT-VALUE}).")
    int maxAuthAttempts;

    @Option(names = "--allow-remote-bind",
            description = "Let clients' -R forwards listen on any address, not only loopback.")
    boolean allowRemoteBind;

    @Option(names = "--client-alive-interval", paramLabel = "DURATION", defaultValue = "5s",
            description = "Ask each client this often whether it is alive; 0 turns it off (default: ${DEFAULT-VALUE}).")
    Duration clientAliveInterval;

    @Option(names = "--client-alive-count", paramLabel = "N", defaultValue = "3",
            description = "Close a session after this many unanswered asks (default: ${DEFAULT-VALUE}).")
    int clientAliveCount;

    @Option(names = "--resume-grace", paramLabel = "DURATION", defaultValue = "60s",
            description = "How long a session whose carrier broke waits for its alknet client to resume it "
                    + "(open streams survive the drop); 0 turns resumable carriers off (default: ${DEFAULT-VALUE})")
    Duration resumeGrace;

    @Option(names = "--drain-timeout", paramLabel = "DURATION", defaultValue = "2s",
            description = "On SIGTERM/SIGINT, how long open streams may take to finish before they are closed "
                    + "(default: ${DEFAULT-VALUE}).")
    Duration drainTimeout;

    @Option(names = "--stealth", paramLabel = "LEVEL", arity = "0..1", fallbackValue = "compatible",
            description = "Look like a web server to everything that does not start with SSH-2.0- (compatible:"
                    + " SSH clients, stock ssh included, still get in; strict: only clients that prove knowledge of"
                    + " the stealth key, see --print-share).")
    String stealth;

    @Option(names = "--stealth-timeout", paramLabel = "DURATION", defaultValue = "60s",
            description = "Stealth: close a peer that has not sent its first bytes / request header by then,"
                    + " without an answer (nginx's client_header_timeout; default: ${DEFAULT-VALUE}).")
    Duration stealthTimeout;

    @Option(names = "--stealth-site", paramLabel = "DIR",
            description = "Stealth: serve this directory like nginx (default: an empty site, nginx's error pages).")
    Path stealthSite;

    @Option(names = "--stealth-fallback", paramLabel = "URL",
            description = "Stealth: pipe non-SSH connections to this plain-HTTP server instead (http://host:port).")
    java.net.URI stealthFallback;

    @Option(names = "--ws-path", paramLabel = "PATH",
            description = "Stealth: a WebSocket Upgrade for PATH on the tls and tcp listeners is a ws/wss client"
                    + " (alknet connect wss://host/PATH); every other path stays the web site.")
    String wsPath;

    @Option(names = "--stealth-ssh-alpn",
            description = "Compatible stealth on tls: also accept the ALPN alknet-ssh (a prober offering it then sees"
                    + " a protocol no web server speaks). Off by default: alknet clients fall back to http/1.1 and"
                    + " the first-bytes gate, and a prober offering alknet-ssh gets nginx's answer.")
    boolean stealthSshAlpn;

    @Option(names = "--ssh-ident", paramLabel = "TEXT",
            description = "The server's SSH identification after SSH-2.0- (default: ${DEFAULT-VALUE}); alknet clients"
                    + " do not look at it. Not OpenSSH_...: stock ssh would then send no-more-sessions, and forwards fail.",
            defaultValue = dev.alknet.server.SshIdent.DEFAULT)
    String sshIdent;

    @Mixin
    StrictServeOptions strict;

    @Option(names = "--proxy-protocol-from", paramLabel = "CIDR",
            description = "Behind HAProxy, nginx stream or sslh: connections from these addresses must start with a"
                    + " PROXY protocol v1/v2 header naming the real client (used for from=, limits, logs); a header"
                    + " from anywhere else is refused (tcp and tls listeners; repeatable).")
    List<String> proxyProtocolFrom = new ArrayList<>();

    @Option(names = "--server-id", paramLabel = "HEX",
            description = "Behind a load balancer: 1-8 hex digits that begin every resume token this server hands"
                    + " out, so the balancer can send resumes back here (docs/scaling.md; default: random).")
    String serverId;

    private static String serverId(String s) {
        if (s == null) {
            return null;
        }
        if (!s.matches("[0-9a-fA-F]{1,8}")) {
            throw new IllegalArgumentException("--server-id: '" + s + "' is not 1-8 hex digits");
        }
        return "0".repeat(8 - s.length()) + s.toLowerCase(java.util.Locale.ROOT);
    }

    private List<Cidr> trustedBalancers() {
        List<Cidr> trusted = new ArrayList<>();
        for (String c : proxyProtocolFrom) {
            trusted.add(Cidr.parse(c));
        }
        return trusted;
    }

    private StealthOptions stealthOptions(AlknetHome h) throws java.io.IOException {
        if (stealth == null && wsPath != null) {
            throw new IllegalArgumentException("--ws-path needs --stealth (the web front routes the path);"
                    + " without it, listen on ws://ADDR:PORT/PATH");
        }
        StealthOptions o = stealthLevelOptions(h);
        return wsPath == null ? o : o.withWsPath(wsPath);
    }

    private StealthOptions stealthLevelOptions(AlknetHome h) throws java.io.IOException {
        if (stealth == null) {
            if (stealthSite != null || stealthFallback != null || strict.keyFile != null || strict.binding != null
                    || strict.printShare) {
                throw new IllegalArgumentException("--stealth-site, --stealth-fallback, --stealth-key,"
                        + " --stealth-binding and --print-share need --stealth");
            }
            return StealthOptions.OFF;
        }
        StealthOptions.Level level = StealthOptions.Level.parse(stealth);
        if (level != StealthOptions.Level.STRICT) {
            if (strict.keyFile != null) {
                throw new IllegalArgumentException("--stealth-key FILE is for --stealth=strict only");
            }
            if (strict.binding != null) {
                throw new IllegalArgumentException("--stealth-binding is for --stealth=strict only");
            }
            if (strict.printShare) {
                throw new IllegalArgumentException("--print-share is for --stealth=strict only");
            }
            return new StealthOptions(level, stealthTimeout, stealthSite, stealthFallback);
        }
        StealthOptions.Binding binding = strict.binding(); // before the key is made: a refusal leaves no trace
        return StealthOptions.strict(stealthTimeout, stealthSite, stealthFallback, strict.key(h), binding);
    }

    @Option(names = "--io-threads", paramLabel = "N",
            description = "Event loop threads (default: one per core; each session's destination sockets share its "
                    + "session's thread).")
    Integer ioThreads;

    @Override
    public Integer call() throws Exception {
        if (ioThreads != null) {
            EventLoops.useThreads(IoThreads.check(ioThreads));
        }
        List<ServerAddress> addresses = new ArrayList<>();
        for (String l : listen) {
            addresses.add(ServerAddress.parse(l, true));
        }
        dev.alknet.server.AccessOptions access = policy.accessOptions(PolicyOptions.loopbackOnly(addresses));
        List<Cidr> balancers = trustedBalancers();
        String id = serverId(serverId);
        AlknetHome h = home.resolve();
        StealthOptions stealthOptions = stealthOptions(h);
        KeyFiles.LoadedKey hostKey = KeyFiles.loadOrCreate(h.hostKey(), "alknet-host@" + Hostnames.local());
        System.err.println((hostKey.created() ? "created host key " : "host key ")
                + KeyFiles.fingerprint(hostKey.pair().getPublic()) + " (" + h.hostKey() + ")");
        if (stealthSshAlpn && stealthOptions.level() != StealthOptions.Level.COMPATIBLE) {
            throw new IllegalArgumentException("--stealth-ssh-alpn is for --stealth (compatible) only");
        }
        // a certificate for tls, quic and wss listeners; tcp and ws (behind a proxy that ends TLS) have none
        boolean secure = addresses.stream().anyMatch(a -> !"tcp".equals(a.scheme()) && !"ws".equals(a.scheme()));
        boolean tlsListener = addresses.stream().anyMatch(a -> "tls".equals(a.scheme()));
        // http-01 is answered by the web front's own site; a --stealth-fallback site would have to answer it itself
        boolean stealthTcp = stealthOptions.enabled() && stealthOptions.fallback() == null
                && addresses.stream().anyMatch(a -> "tcp".equals(a.scheme()));
        dev.alknet.server.acme.AcmeSettings acmeSettings = acme.settings(h.file("acme"), tlsListener, stealthTcp);
        if (acmeSettings != null && !secure) {
            throw new IllegalArgumentException("--tls-acme needs a tls:// or quic:// listener to use the certificate");
        }
        ServerCertificates certificates = secure ? ServerCertificates.load(transport, acmeSettings, h) : null;
        TransportSettings settings = certificates != null ? transport.serverSettings(certificates.live())
                : transport.serverSettings(null);
        if (!balancers.isEmpty()) { // the header must come within the time a TLS handshake gets
            settings = settings.toBuilder().proxyProtocol(new ProxyProtocol(balancers, settings.connectTimeout())).build();
        }
        if (stealthOptions.enabled()) {
            settings = settings.toBuilder().stealthTimeout(stealthOptions.timeout()).stealthKey(stealthOptions.key())
                    .stealthSshAlpn(stealthSshAlpn).build();
        }
        TransportSettings listenerSettings = settings;
        if (certificates != null) {
            System.err.println("TLS certificate pin " + certificates.live().current().pin()
                    + " (clients may check it with --tls-pin)" + (acmeSettings == null ? ""
                    : acmeSettings.keepKey() ? "; ACME renewals keep this key once issued"
                    : "; it changes with each ACME certificate (--acme-keep-key keeps it)"));
        }
        ServerOptions options = new ServerOptions(addresses, hostKey.pair(),
                authorizedKeys != null ? authorizedKeys : h.authorizedKeys(),
                a -> Transports.create(a.scheme(), ServerAddress.isWs(a.scheme())
                        ? listenerSettings.toBuilder().ws(new WsOptions(a.path(), null)).build() : listenerSettings),
                maxAuthAttempts)
                .withAllowRemoteBind(allowRemoteBind)
                .withClientAlive(clientAliveInterval, clientAliveCount)
                .withStealth(stealthOptions)
                .withAccess(access)
                .withResumeGrace(resumeGrace)
                .withSshIdent(sshIdent)
                .withServerId(id);
        ShutdownSignal signal = new ShutdownSignal();
        try (ServerCertificates certs = certificates;
                MetricsOptions.Exporter exporter = metrics.start("server", registry -> {
                    if (certs != null) {
                        dev.alknet.cli.metrics.CertificateMetrics.register(registry, certs.live(), certs.acme());
                    }
                });
                AlknetServer server = AlknetServer.start(options)) {
            if (certs != null) {
                certs.start(); // listeners up: ACME's tls-alpn-01 / http-01 can be answered
            } else {
                ServerCertificates.onHangup(() -> System.err.println("SIGHUP: no tls/quic listener, nothing to reload"));
            }
            if (stealthOptions.key() != null && !strict.printShare) {
                System.err.println("share strings not printed: they hold the stealth key (--print-share prints them)");
            } else if (stealthOptions.key() != null) {
                boolean tls = addresses.stream().anyMatch(a -> !"tcp".equals(a.scheme()) && !"ws".equals(a.scheme()));
                StrictServeOptions.printShareLinks(server.listeners(), stealthOptions.key(),
                        tls ? certificates.live().current().pin() : null, KeyFiles.fingerprint(hostKey.pair().getPublic()),
                        stealthOptions.wsPath());
            }
            String why = signal.received().join();
            System.err.println(why + ": draining (up to " + drainTimeout.toMillis() + " ms)");
            if (!server.drain(drainTimeout)) {
                System.err.println(server.openChannels() + " streams still open: closing them");
            }
            System.err.println("shutting down");
        }
        return 0;
    }
}
