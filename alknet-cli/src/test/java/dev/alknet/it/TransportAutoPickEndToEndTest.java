package dev.alknet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alknet.core.keys.KeyFiles;
import dev.alknet.testkit.Eventually;
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
                Cli.Result status = Eventually.value(Duration.ofSeconds(20), Duration.ofMillis(300),
                        () -> Cli.run("status", "--home", home.toString()),
                        st -> st.stdout().contains("quic: no answer"));
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

    /**
     * The won transport stops getting through mid-session: a download through SOCKS over quic, then the network
     * drops UDP. The resume (same session token) goes over tls, and the download finishes byte-exact: one session,
     * resumed, not a new one.
     */
    @Test
    void udpDroppedMidSessionResumesOverTls() throws Exception {
        FaultNet.assumeAvailable();
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/curl")), "no curl");
        Path home = Files.createTempDirectory("alknet-autopick-resume-");
        KeyFiles.LoadedKey id = KeyFiles.loadOrCreate(home.resolve("id_ed25519"), "autopick");
        Files.writeString(home.resolve("authorized_keys"), KeyFiles.publicKeyLine(id.pair().getPublic(), "autopick") + "\n");
        Path blob = home.resolve("blob");
        // Larger than every window on the way (quic 6/7 MiB, SSH channel): when UDP is dropped, part of it is still
        // on the server's side, so the download can only finish through a resume (4 MiB had crossed whole at times).
        byte[] data = new byte[32 << 20];
        new java.util.Random(26).nextBytes(data);
        Files.write(blob, data);
        Path out = home.resolve("out");
        Path script = Path.of(TransportAutoPickEndToEndTest.class.getResource("/fault-origin.py").toURI());
        List<String> origin = new java.util.ArrayList<>();
        try (FaultNet net = FaultNet.create("ar")) {
            origin.addAll(net.onServer());
            origin.addAll(List.of("python3", script.toString(), "127.0.0.1", String.valueOf(ORIGIN_PORT), blob.toString()));
            try (Cli.Running web = Cli.Running.start(origin, Map.of());
                    Cli.Running serve = Cli.Running.start(Cli.command(net.onServer(), "dev.alknet.cli.Main", "serve",
                            "--home", home.toString(), "--listen", "quic://" + FaultNet.SERVER + ":" + SERVER_PORT,
                            "--listen", "tls://" + FaultNet.SERVER + ":" + SERVER_PORT,
                            "--allow", "loopback:" + ORIGIN_PORT), Map.of())) {
                serve.awaitLine(l -> l.contains("listening on") && l.contains("tls"), Duration.ofSeconds(60));
                // the share string form, both transports listed; quic remembered for this network, so it is the
                // one picked whatever the load (a race could go to tls)
                Files.writeString(home.resolve("transports.json"), "{\"c0 via 10.77.1.1\": \"quic\"}\n");
                String share = "alknet://" + FaultNet.SERVER + "?transports=tls:" + SERVER_PORT + ",quic:" + SERVER_PORT;
                try (Cli.Running client = Cli.Running.start(Cli.command(net.onClient(), "dev.alknet.cli.Main", "connect",
                        share, "--home", home.toString(), "--socks", "127.0.0.1:1080", "--connect-timeout", "10s"),
                        Map.of())) {
                    client.awaitLine(l -> l.contains("transport quic ("), Duration.ofSeconds(30));
                    List<String> curl = new java.util.ArrayList<>(net.onClient());
                    curl.addAll(List.of("curl", "-sS", "--limit-rate", "4M", "--max-time", "100", "--socks5-hostname",
                            "127.0.0.1:1080", "http://127.0.0.1:" + ORIGIN_PORT + "/blob", "-o", out.toString()));
                    try (Cli.Running download = Cli.Running.start(curl, Map.of())) {
                        assertTrue(Eventually.within(Duration.ofSeconds(30), () -> Files2.size(out) >= (1 << 20)),
                                "the download started");
                        net.dropUdp();
                        assertTrue(download.process.waitFor(100, TimeUnit.SECONDS), "the download ended");
                        assertEquals(0, download.process.exitValue(), "curl saw no error: " + download.stderrText()
                                + "\nclient:\n" + client.stderrText());
                    }
                    assertTrue(java.util.Arrays.equals(data, Files.readAllBytes(out)), "byte-exact");
                    String log = client.stderrText();
                    assertTrue(log.contains("resume attempt over tls://"), log);
                    // the state file is written every few seconds
                    Cli.Result status = Eventually.value(Duration.ofSeconds(20), Duration.ofMillis(300),
                            () -> Cli.run("status", "--home", home.toString()),
                            st -> !st.stdout().matches("(?s).*resumes\\s+0 .*") && st.stdout().contains(MOVED));
                    assertTrue(status.stdout().matches("(?s).*sessions\\s+1\\s*\n.*"), "one session: " + status);
                    assertTrue(!status.stdout().matches("(?s).*resumes\\s+0 .*"), "resumed: " + status);
                    assertTrue(status.stdout().contains(MOVED), "status shows the move: " + status);
                    assertTrue(Files.readString(home.resolve("transports.json")).contains("\"tls\""),
                            "the next start from this network goes to tls");
                    client.terminate(Duration.ofSeconds(15));
                }
            }
        }
    }

    private static final int ORIGIN_PORT = 8081;
    private static final String MOVED = "tls (the session resumed over it: quic stopped getting through)";

    private static Cli.Running connect(FaultNet net, Path home) throws Exception {
        return Cli.Running.start(Cli.command(net.onClient(), "dev.alknet.cli.Main", "connect",
                FaultNet.SERVER + ":" + SERVER_PORT, "--home", home.toString(), "--socks", "127.0.0.1:1080",
                "--connect-timeout", "10s"), Map.of());
    }
}
