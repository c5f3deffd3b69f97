package dev.alknet.cli;

import dev.alknet.core.config.AlknetHome;
import dev.alknet.core.config.ServerAddress;
import dev.alknet.core.keys.KeyFiles;
import dev.alknet.server.AlknetServer;
import dev.alknet.server.ServerOptions;
import java.nio.file.Path;
import dev.alknet.transport.TransportSettings;
import dev.alknet.transport.Transports;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the alknet server: SSH (public keys only, forwarding only) on every --listen address.")
final class ServeCommand implements Callable<Integer> {

    @Mixin
    HomeOption home;

    @Option(names = "--listen", paramLabel = "URL", required = true,
            description = "Address to serve: tcp://0.0.0.0:2222, tls://:443, quic://:443, tcp://[::]:2222 (repeatable).")
    List<String> listen = new ArrayList<>();

    @Option(names = "--authorized-keys", paramLabel = "FILE",
            description = "Client public keys (default: <home>/authorized_keys).")
    Path authorizedKeys;

    @Mixin
    TransportOptions transport;

    @Option(names = "--max-auth-attempts", paramLabel = "N", defaultValue = "6",
            description = "Authentication attempts per connection (default: ${DEFAULT-VALUE}).")
    int maxAuthAttempts;

    @Override
    public Integer call() throws Exception {
        AlknetHome h = home.resolve();
        List<ServerAddress> addresses = new ArrayList<>();
        for (String l : listen) {
            addresses.add(ServerAddress.parse(l, true));
        }
        KeyFiles.LoadedKey hostKey = KeyFiles.loadOrCreate(h.hostKey(), "alknet-host@" + Hostnames.local());
        System.err.println((hostKey.created() ? "created host key " : "host key ")
                + KeyFiles.fingerprint(hostKey.pair().getPublic()) + " (" + h.hostKey() + ")");
        TransportSettings settings = transport.serverSettings(h);
        if (addresses.stream().anyMatch(a -> !"tcp".equals(a.scheme()))) {
            System.err.println("TLS certificate pin " + settings.tlsServer().load().pin()
                    + " (clients may check it with --tls-pin)");
        }
        ServerOptions options = new ServerOptions(addresses, hostKey.pair(),
                authorizedKeys != null ? authorizedKeys : h.authorizedKeys(),
                a -> Transports.create(a.scheme(), settings), maxAuthAttempts);
        ShutdownSignal signal = new ShutdownSignal();
        try (AlknetServer server = AlknetServer.start(options)) {
            String why = signal.received().join();
            System.err.println(why + ": shutting down");
        }
        return 0;
    }
}
