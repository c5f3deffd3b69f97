package dev.alknet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.alknet.testkit.Eventually;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The operator's view of real {@code alknet serve} and {@code connect} processes: both configured from YAML files
 * ({@code --config}), a curl through the tunnel moves the Prometheus counters that real curl scrapes from
 * {@code --metrics}, and {@code alknet status} shows the client.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class OperatorEndToEndTest {

    private static final String METRICS_URL = "metrics on (http://127\\.0\\.0\\.1:\\d+/metrics)";

    @Test
    void configFilesMetricsAndStatus() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/curl")), "curl not installed");
        E2e.Keys keys = E2e.keys();
        Path home = keys.dir();
        int serverPort = E2e.freePort();
        Path serverYaml = home.resolve("server.yaml");
        Files.writeString(serverYaml, "listen: [tcp://127.0.0.1:" + serverPort + "]\nhome: " + home
                + "\nmetrics: 127.0.0.1:0\nclient-alive-interval: 5s\nallow: [loopback]\n");
        Path clientYaml = home.resolve("client.yaml");
        Files.writeString(clientYaml, "server: tcp://127.0.0.1:" + serverPort + "\nhome: " + home
                + "\nsocks: 127.0.0.1:9\nmetrics: 127.0.0.1:0\nlog-format: json\n");
        try (WebServer web = new WebServer();
                Cli.Running server = Cli.Running.alknet("serve", "--config", serverYaml.toString());
                // --socks on the command line wins over the file's port 9
                Cli.Running client = Cli.Running.alknet("connect", "--config", clientYaml.toString(),
                        "--socks", "127.0.0.1:0")) {
            String serverMetrics = ForwardFixtures.awaitGroup(server, METRICS_URL);
            String clientMetrics = ForwardFixtures.awaitGroup(client, METRICS_URL);
            int socks = Integer.parseInt(ForwardFixtures.awaitGroup(client, "SOCKS5h proxy on /127\\.0\\.0\\.1:(\\d+)"));
            // log-format json: one JSON object per line
            client.awaitLine(l -> l.startsWith("{\"timestamp\":") && l.contains("\"formattedMessage\":\"tunnel up")
                    && l.endsWith("}"), Duration.ofSeconds(20));
            assertEquals(0.0, metric(scrape(clientMetrics), "alknet_socks_replies_total{code=\"succeeded\"}"));

            Path out = home.resolve("blob");
            Curl.Result r = Curl.fetch("127.0.0.1:" + socks, "http://127.0.0.1:" + web.port() + "/blob?size=300000", out);
            assertEquals(0, r.exit(), r.stderr());
            int refused = E2e.connect(socks, "127.0.0.1", E2e.freePort()); // nothing listens there

            String c = scrape(clientMetrics);
            assertEquals(1.0, metric(c, "alknet_socks_replies_total{code=\"succeeded\"}"), c);
            assertEquals(1.0, metric(c, "alknet_socks_replies_total{code=\"connection_refused\"}"), c);
            assertEquals(E2e.REFUSED, refused);
            assertEquals(1.0, metric(c, "alknet_sessions_open"), c);
            assertTrue(metric(c, "alknet_channels_total") >= 2, c);
            assertTrue(metric(c, "alknet_transport_bytes_total{direction=\"received\"}") > 300_000, c);
            assertTrue(metric(c, "alknet_channel_open_seconds_count") >= 1, c);
            assertEquals(0.0, metric(c, "alknet_resumes_total"), c);
            assertTrue(metric(c, "alknet_netty_memory_bytes{kind=\"direct\"}") > 0, c); // the download's buffers
            String s = scrape(serverMetrics);
            assertEquals(1.0, metric(s, "alknet_sessions_open"), s);
            assertTrue(metric(s, "alknet_transport_bytes_total{direction=\"sent\"}") > 300_000, s);
            assertEquals(0.0, metric(s, "alknet_auth_failures_total"), s);

            // the state file is rewritten every 2 s: the tunnel may have come up after the last write
            Cli.Result status = Eventually.value(Duration.ofSeconds(20), Duration.ofMillis(500),
                    () -> Cli.run("status", "--home", home.toString()), st -> st.exit() == 0);
            assertEquals(0, status.exit(), status.toString());
            assertTrue(status.stdout().contains("): up for ") && status.stdout().contains("tcp://127.0.0.1:" + serverPort)
                    && status.stdout().contains("127.0.0.1:" + socks) && status.stdout().contains(clientMetrics),
                    status.toString());
            Cli.Result json = Cli.run("status", "--home", home.toString(), "--json");
            assertTrue(json.stdout().contains("\"open_streams\""), json.toString());

            assertEquals(0, client.terminate(Duration.ofSeconds(10)));
            Cli.Result none = Cli.run("status", "--home", home.toString());
            assertEquals(3, none.exit(), none.toString()); // the state file went with the process
        }
    }

    private static String scrape(String url) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("curl", "-sS", "--max-time", "10", url).redirectErrorStream(true).start();
        String body = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(15, TimeUnit.SECONDS) && p.exitValue() == 0, body);
        return body;
    }

    /** The value of a sample line {@code name{labels} value}; fails if absent. */
    private static double metric(String exposition, String sample) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(sample) + " (\\S+)$").matcher(exposition);
        assertTrue(m.find(), sample + " not in\n" + exposition);
        return Double.parseDouble(m.group(1));
    }
}
