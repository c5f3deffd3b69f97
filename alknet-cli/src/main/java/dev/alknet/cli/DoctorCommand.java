package dev.alknet.cli;

import dev.alknet.cli.doctor.Check;
import dev.alknet.cli.doctor.ClockCheck;
import dev.alknet.cli.doctor.Dial;
import dev.alknet.cli.doctor.DnsLeakCheck;
import dev.alknet.cli.doctor.DoctorRunner;
import dev.alknet.cli.doctor.HostKeyCheck;
import dev.alknet.cli.doctor.Ipv6LeakCheck;
import dev.alknet.cli.doctor.MtuCheck;
import dev.alknet.cli.doctor.PinCheck;
import dev.alknet.cli.doctor.ReachabilityCheck;
import dev.alknet.cli.doctor.RouteLoopCheck;
import dev.alknet.cli.doctor.SocksExposureCheck;
import dev.alknet.cli.doctor.TunChecks;
import dev.alknet.cli.doctor.UdpCheck;
import dev.alknet.cli.doctor.Verdict;
import dev.alknet.client.ClientOptions;
import dev.alknet.client.JumpHosts;
import dev.alknet.core.config.AlknetHome;
import dev.alknet.core.config.HostPort;
import dev.alknet.core.config.ServerAddress;
import dev.alknet.core.hostkeys.HostKeyPolicy;
import dev.alknet.core.keys.KeyFileException;
import dev.alknet.core.keys.KeyFiles;
import dev.alknet.transport.TransportSettings;
import dev.alknet.transport.Transports;
import dev.alknet.transport.tls.TlsClientOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = "Check the way to the server(s) as 'alknet connect' would dial them, one verdict per line with"
                + " the fix: reachability per transport, UDP, host key and TLS pin, clock skew (strict stealth), path"
                + " MTU, SOCKS exposure, and with alknet-tun --route-all running routing loops and DNS/IPv6 leaks."
                + " Exit 0 when no check fails (warnings included), 1 otherwise.",
        footer = {"", "Examples:",
                "  alknet doctor tls://vps.example.com quic://vps.example.com",
                "  alknet doctor tls://vps.example.com --socks 0.0.0.0:1080 --json"})
final class DoctorCommand implements Callable<Integer> {

    @Mixin
    HomeOption home;

    @Mixin
    ConfigOption config;

    @Parameters(arity = "1..*", paramLabel = "SERVER", description = "Server URLs or alknet:// share strings, as for"
            + " 'alknet connect'.")
    List<String> servers = new ArrayList<>();

    @Mixin
    TransportOptions transport;

    @Mixin
    StrictConnectOptions strict;

    @Option(names = "--host-key", paramLabel = "SHA256:...", description = "Require this server host key fingerprint.")
    String hostKey;

    @Option(names = "--strict-host-key", description = "A host key not in known_hosts yet fails (as it would for"
            + " 'alknet connect --strict-host-key'); otherwise it is a warning.")
    boolean strictHostKey;

    @Option(names = "--socks", paramLabel = "ADDR:PORT", description = "The SOCKS listener(s) 'alknet connect' was"
            + " given, checked for exposure beyond loopback (repeatable; default: 127.0.0.1:1080).")
    List<String> socks = new ArrayList<>();

    @Option(names = "--tun-dev", paramLabel = "NAME", defaultValue = "alktun0",
            description = "The TUN of a running 'alknet-tun --route-all' (default: ${DEFAULT-VALUE}); routing and"
                    + " leak checks run when it exists.")
    String tunDev;

    @Option(names = "--connect-timeout", paramLabel = "DURATION", defaultValue = "10s",
            description = "Bound on each dial (default: ${DEFAULT-VALUE}).")
    Duration connectTimeout;

    @Option(names = "--json", description = "Print one JSON object for scripts.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Logging.warnOnly(); // the verdicts say what the dials found; the library's INFO lines would only repeat it
        AlknetHome h = home.resolve();
        List<ShareLink> links = new ArrayList<>();
        for (String s : servers) {
            links.add(strict.resolve(s));
        }
        if (hostKey != null && !hostKey.startsWith("SHA256:")) {
            throw new IllegalArgumentException("--host-key must be a SHA256:... fingerprint");
        }
        List<HostPort> socksAt = new ArrayList<>();
        for (String s : socks.isEmpty() ? List.of("127.0.0.1:1080") : socks) {
            socksAt.add(HostPort.parse(s, -1, false, s));
        }
        if (!Files.exists(h.identity())) {
            throw new KeyFileException("no identity at " + h.identity() + " (run 'alknet keygen' first)");
        }
        var identity = KeyFiles.load(h.identity());
        // The dials trust a new host key on first use, but in a scratch copy: a doctor never writes known_hosts.
        Path scratch = Files.createTempFile("alknet-doctor-known_hosts-", "");
        try (JumpHosts hops = new JumpHosts()) {
            if (Files.exists(h.knownHosts())) {
                Files.copy(h.knownHosts(), scratch, StandardCopyOption.REPLACE_EXISTING);
            }
            List<Check> checks = new ArrayList<>();
            List<Dial> dials = new CopyOnWriteArrayList<>();
            Map<String, TlsClientOptions> tls = new LinkedHashMap<>();
            String pinGiven = transport.pinList();
            List<ClientOptions> options = ConnectCommand.serverOptions(links, transport, hops, identity, h,
                    HostKeyPolicy.TRUST_ON_FIRST_USE, hostKey, connectTimeout, connectTimeout, Duration.ofSeconds(15));
            for (int i = 0; i < options.size(); i++) {
                ClientOptions o = options.get(i);
                checks.add(new ReachabilityCheck(new ClientOptions(o.server(), o.transport(), o.identity(), scratch,
                        HostKeyPolicy.TRUST_ON_FIRST_USE, o.hostKeyPin(), o.connectTimeout(), o.connectWait(),
                        o.heartbeat(), o.heartbeatMisses()), dials));
                tls.put(o.server().toString(), settings(links.get(i), pinGiven).tlsClient());
            }
            checks.add(new UdpCheck(dials));
            checks.add(new HostKeyCheck(dials, h.knownHosts(), scratch, strictHostKey));
            checks.add(new PinCheck(dials, tls));
            checks.addAll(clockChecks(links, pinGiven));
            checks.addAll(mtuChecks(links));
            for (HostPort s : socksAt) {
                checks.add(new SocksExposureCheck(s.host(), s.port()));
            }
            checks.addAll(tunChecks(links));
            List<Verdict> verdicts = DoctorRunner.runAll(checks);
            DoctorRunner.print(verdicts, json, System.out);
            return DoctorRunner.exitCode(verdicts);
        } finally {
            Files.deleteIfExists(scratch);
        }
    }

    /** The transport settings {@code connect} uses for {@code link} (the pin from --tls-pin or the share string). */
    private TransportSettings settings(ShareLink link, String pinGiven) {
        transport.tlsPin = pinGiven != null ? pinGiven : link.pin();
        return transport.clientSettings(connectTimeout, link.server()).toBuilder().stealthKey(link.key()).build();
    }

    /** One clock check per strict server (the first; their clocks are one machine's as a rule), else a skip. */
    private List<Check> clockChecks(List<ShareLink> links, String pinGiven) {
        for (ShareLink link : links) {
            if (link.key() != null) {
                TransportSettings s = settings(link, pinGiven).toBuilder().stealthKey(null).build();
                ServerAddress a = link.server();
                String name = s.tlsClient().serverName() != null ? s.tlsClient().serverName()
                        : a.host().contains(":") ? "[" + a.host() + "]" : a.host();
                return List.of(new ClockCheck(a, Transports.create(a.scheme(), s), name, connectTimeout));
            }
        }
        return List.of(ClockCheck.none());
    }

    /** One path MTU probe per server host, on the quic port where there is one. */
    private static List<Check> mtuChecks(List<ShareLink> links) {
        Map<String, ServerAddress> byHost = new LinkedHashMap<>();
        for (ShareLink l : links) {
            ServerAddress a = l.server();
            ServerAddress had = byHost.get(a.host());
            if (had == null || (!"quic".equals(had.scheme()) && "quic".equals(a.scheme()))) {
                byHost.put(a.host(), a);
            }
        }
        List<Check> out = new ArrayList<>();
        byHost.values().forEach(a -> out.add(new MtuCheck(a.host(), a.port(), "quic".equals(a.scheme()))));
        return out;
    }

    /** With alknet-tun's TUN present: its MTU, a routing-loop check per server, DNS and IPv6 leaks. */
    private List<Check> tunChecks(List<ShareLink> links) {
        TunChecks.Tun tun = TunChecks.find(tunDev);
        if (tun == null) {
            return List.of(TunChecks.absent(tunDev));
        }
        List<Check> out = new ArrayList<>();
        out.add(TunChecks.mtu(tun));
        Set<String> seen = new LinkedHashSet<>();
        for (ShareLink l : links) {
            ServerAddress a = l.server();
            boolean udp = "quic".equals(a.scheme());
            if (seen.add(a.host() + " " + udp + " " + a.port())) {
                out.add(new RouteLoopCheck(a.host(), a.port(), udp, tun.dev()));
            }
        }
        out.add(new DnsLeakCheck(DnsLeakCheck.RESOLV, tun.dev()));
        out.add(new Ipv6LeakCheck(tun.dev()));
        return out;
    }
}
