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

    @Option(names = "--metrics", paramLabel = "ADDR:PORT",
            description = "Serve Prometheus metrics at http://ADDR:PORT/metrics (e.g. 127.0.0.1:9464; port 0: any free one,"
                    + " printed at start). Off by default.")
    String metrics;

    /** A running endpoint; {@link #url()} is null without --metrics. */
    interface Exporter extends AutoCloseable {
        String url();

        @Override
        void close();
    }

    /** Installs the metrics and starts their HTTP endpoint; closing it stops both. No-op without --metrics. */
    Exporter start(String role) throws IOException {
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
        HostPort at = HostPort.parse(metrics, -1, true, metrics);
        PrometheusRegistry registry = new PrometheusRegistry();
        AlknetMetrics.install(new PrometheusMetrics(registry, role));
        HTTPServer http;
        try {
            http = HTTPServer.builder().inetAddress(InetAddress.getByName(at.host().isEmpty() ? "0.0.0.0" : at.host()))
                    .port(at.port()).registry(registry).buildAndStart();
        } catch (IOException e) {
            AlknetMetrics.install(null);
            throw new IOException("--metrics " + metrics + ": " + (e instanceof java.net.BindException
                    ? "address already in use" : e.getMessage()), e);
        }
        String host = at.host().isEmpty() ? "0.0.0.0" : at.host();
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
