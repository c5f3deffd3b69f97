package dev.alknet.cli;

import dev.alknet.cli.doctor.Check;
import dev.alknet.cli.doctor.DoctorRunner;
import dev.alknet.cli.doctor.ReachabilityCheck;
import dev.alknet.cli.doctor.Verdict;
import dev.alknet.client.ClientOptions;
import dev.alknet.client.JumpHosts;
import dev.alknet.core.config.AlknetHome;
import dev.alknet.core.hostkeys.HostKeyPolicy;
import dev.alknet.core.keys.KeyFileException;
import dev.alknet.core.keys.KeyFiles;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = "Check the way to the server(s) as 'alknet connect' would dial them, one verdict per line with"
                + " the fix. Exit 0 when every check passes, 1 otherwise.",
        footer = {"", "Examples:",
                "  alknet doctor tls://vps.example.com quic://vps.example.com",
                "  alknet doctor --config ~/.alknet/client.yaml --json"})
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

    @Option(names = "--connect-timeout", paramLabel = "DURATION", defaultValue = "5s",
            description = "Bound on each dial (default: ${DEFAULT-VALUE}).")
    Duration connectTimeout;

    @Option(names = "--json", description = "Print one JSON object for scripts.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        AlknetHome h = home.resolve();
        List<ShareLink> links = new ArrayList<>();
        for (String s : servers) {
            links.add(strict.resolve(s));
        }
        if (hostKey != null && !hostKey.startsWith("SHA256:")) {
            throw new IllegalArgumentException("--host-key must be a SHA256:... fingerprint");
        }
        if (!Files.exists(h.identity())) {
            throw new KeyFileException("no identity at " + h.identity() + " (run 'alknet keygen' first)");
        }
        var identity = KeyFiles.load(h.identity());
        List<Check> checks = new ArrayList<>();
        try (JumpHosts hops = new JumpHosts()) {
            // strict: a doctor only looks, it never records a host key on first use
            for (ClientOptions o : ConnectCommand.serverOptions(links, transport, hops, identity, h,
                    HostKeyPolicy.STRICT, hostKey, connectTimeout, connectTimeout, Duration.ofSeconds(15))) {
                checks.add(new ReachabilityCheck(o));
            }
            List<Verdict> verdicts = DoctorRunner.runAll(checks);
            DoctorRunner.print(verdicts, json, System.out);
            return DoctorRunner.exitCode(verdicts);
        }
    }
}
