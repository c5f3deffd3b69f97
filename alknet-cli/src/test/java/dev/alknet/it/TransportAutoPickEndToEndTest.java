package dev.alknet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alknet.core.keys.KeyFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * `alknet connect HOST:PORT` without a scheme picks the transport: on a network that drops UDP (the router's nftables
 * in {@link FaultNet}) to a server listening on quic and tls, the client ends up on tls, `alknet status` says why quic
 * lost, and a second start from the same network goes to tls directly (remembered in the home).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TransportAutoPickEndToEndTest {

    private static final int SERVER_PORT = 4433;

    @Test
    void udpDroppedEndsOnTlsAndIsRemembered() throws Exception {
        FaultNet.assumeAvailable();
        Path home = Files.createTempDirectory("alknet-autopick-");
        KeyFiles.LoadedKey id = KeyFiles.loadOrCreate(home.resolve("id_ed25519"), "autopick");
        Files.writeString(home.resolve("authorized_keys"), KeyFiles.publicKeyLine(id.pair().getPublic(), "autopick") + "\n");
        try (FaultNet net = FaultNet.create("ap");
                Cli.Running serve = Cli.Running.start(Cli.command(net.onServer(), "dev.alknet.cli.Main", "serve",
                        "--home", home.toString(), "--listen", "quic://" + FaultNet.SERVER + ":" + SERVER_PORT,
                        "--listen", "tls://" + FaultNet.SERVER + ":" + SERVER_PORT), Map.of())) {
            serve.awaitLine(l -> l.contains("listening on") && l.contains("tls"), Duration.ofSeconds(60));
            net.dropUdp();

            long start = System.nanoTime();
            try (Cli.Running first = connect(net, home)) {
                String won = first.awaitLine(l -> l.contains("transport tls ("), Duration.ofSeconds(30));
                System.out.printf("tls won %d ms after the start of the first connect: %s%n",
                        (System.nanoTime() - start) / 1_000_000, won);
                assertTrue(won.contains("quic: no answer in"), won);
                Cli.Result status = Cli.run("status", "--home", home.toString());
                for (long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                        !status.stdout().contains("quic: no answer") && System.nanoTime() < end; ) {
                    Thread.sleep(300);
                    status = Cli.run("status", "--home", home.toString());
                }
                assertTrue(status.stdout().contains("transport") && status.stdout().contains("tls (quic: no answer in"),
                        status.toString());
                first.terminate(Duration.ofSeconds(15));
            }
            assertTrue(Files.readString(home.resolve("transports.json")).contains("\"tls\""), "remembered on disk");

            try (Cli.Running second = connect(net, home)) {
                String won = second.awaitLine(l -> l.contains("transport tls ("), Duration.ofSeconds(30));
                assertTrue(won.contains("remembered for c0 via 10.77.1.1"), won);
                assertEquals(0, second.terminate(Duration.ofSeconds(15)), "clean exit");
            }
        }
    }

    private static Cli.Running connect(FaultNet net, Path home) throws Exception {
        return Cli.Running.start(Cli.command(net.onClient(), "dev.alknet.cli.Main", "connect",
                FaultNet.SERVER + ":" + SERVER_PORT, "--home", home.toString(), "--socks", "127.0.0.1:1080",
                "--connect-timeout", "10s"), Map.of());
    }
}
