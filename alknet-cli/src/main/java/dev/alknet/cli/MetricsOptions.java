package dev.alknet.cli;

import dev.alknet.cli.metrics.PrometheusMetrics;
import dev.alknet.core.config.HostPort;
import dev.alknet.core.metrics.AlknetMetrics;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetAddress;
import picocli.CommandLine.Option;

/** {@code --metrics ADDR:PORT}: Prometheus metrics at {@code http://ADDR:PORT/metrics}. */
final class MetricsOptions {

    @Option(names = "--metrics", paramLabel = "[ADDR:]PORT",
            description = "Serve Prometheus metrics at http://ADDR:PORT/metrics (e.g. 9464 or 127.0.0.1:9464; without an"
                    + " address on loopback; port 0: any free one, printed at start). They have no authentication:"
                    + " another address gets a warning. Off by default.")
    String metrics;

    /** Where metrics go without an address: they tell whoever reads them that this is alknet. */
    static final String DEFAULT_HOST = "127.0.0.1";

    /** A running endpoint; {@link #url()} is null without --metrics. */
    interface Exporter extends AutoCloseable {
        String url();

        @Override
        void close();
    }

    /** Installs the metrics and starts their HTTP endpoint; closing it stops both. No-op without --metrics. */
    Exporter start(String role) throws IOException {
        return start(role, registry -> {
        });
    }

    /** As {@link #start(String)}, {@code more} registering the command's own metrics too. */
    Exporter start(String role, java.util.function.Consumer<PrometheusRegistry> more) throws IOException {
        if (metrics == null) {
            return new Exporter() {
                @Override
                public String url() {
                    return null;
                }

                @Override
                public void close() {
                }
            };
        }
        HostPort at = HostPort.parse(metrics.chars().allMatch(Character::isDigit) ? ":" + metrics : metrics, -1, true,
                metrics);
        String host = at.host().isEmpty() ? DEFAULT_HOST : at.host();
        InetAddress bind;
        try {
            bind = InetAddress.getByName(host);
        } catch (java.net.UnknownHostException e) {
            throw new IOException("--metrics " + metrics + ": unknown host " + host, e);
        }
        if (!bind.isLoopbackAddress()) {
            System.err.println("warning: --metrics " + metrics + " is reachable beyond this machine without"
                    + " authentication, and its alknet_ names tell anyone who can reach it what runs here (a stealth"
                    + " server too): keep it on loopback or a firewalled management address");
        }
        PrometheusRegistry registry = new PrometheusRegistry();
        AlknetMetrics.install(new PrometheusMetrics(registry, role));
        more.accept(registry);
        HTTPServer http;
        try {
            http = HTTPServer.builder().inetAddress(bind).port(at.port()).registry(registry).buildAndStart();
        } catch (IOException e) {
            AlknetMetrics.install(null);
            throw new IOException("--metrics " + metrics + ": " + (e instanceof java.net.BindException
                    ? "address already in use" : e.getMessage()), e);
        }
        String url = "http://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + http.getPort() + "/metrics";
        System.err.println("metrics on " + url);
        return new Exporter() {
            @Override
            public String url() {
                return url;
            }

            @Override
            public void close() {
                http.close();
                AlknetMetrics.install(null);
            }
        };
    }
}
