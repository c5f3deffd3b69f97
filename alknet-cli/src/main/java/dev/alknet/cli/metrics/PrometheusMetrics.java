package dev.alknet.cli.metrics;

import dev.alknet.core.metrics.Metrics;
import dev.alknet.transport.resume.ResumeStats;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;

/** {@link Metrics} as Prometheus metrics (names in docs/operator-guide.md, "Metrics"). */
public final class PrometheusMetrics implements Metrics {

    /** SOCKS5 reply codes (RFC 1928 §6) by value, as label values. */
    private static final String[] REPLIES = {"succeeded", "general_failure", "not_allowed", "network_unreachable",
            "host_unreachable", "connection_refused", "ttl_expired", "command_not_supported",
            "address_type_not_supported"};

    private final Gauge sessions;
    private final Counter sessionsTotal;
    private final Counter reconnects;
    private final Gauge channelsOpen;
    private final Counter channelsTotal;
    private final CounterDataPoint bytesReceived;
    private final CounterDataPoint bytesSent;
    private final Counter socksReplies;
    private final Counter authFailures;
    private final Histogram openLatency;

    public PrometheusMetrics(PrometheusRegistry registry, String role) {
        sessions = Gauge.builder().name("alknet_sessions_open").help("SSH sessions up now (client: 0 or 1)")
                .register(registry);
        sessionsTotal = Counter.builder().name("alknet_sessions_total").help("SSH sessions brought up")
                .register(registry);
        reconnects = Counter.builder().name("alknet_reconnects_total")
                .help("Client: tunnel brought up again after it was lost").register(registry);
        resumeCounters(registry);
        channelsOpen = Gauge.builder().name("alknet_channels_open").help("SSH channels (streams) open now")
                .register(registry);
        channelsTotal = Counter.builder().name("alknet_channels_total").help("SSH channels (streams) opened")
                .register(registry);
        Counter bytes = Counter.builder().name("alknet_transport_bytes_total").unit(Unit.BYTES)
                .help("Bytes carried by the transport (SSH wire bytes)").labelNames("direction").register(registry);
        bytesReceived = bytes.labelValues("received");
        bytesSent = bytes.labelValues("sent");
        socksReplies = Counter.builder().name("alknet_socks_replies_total")
                .help("Client: answers to proxy requests by SOCKS5 reply code").labelNames("code").register(registry);
        authFailures = Counter.builder().name("alknet_auth_failures_total")
                .help("Server: public keys refused").register(registry);
        openLatency = Histogram.builder().name("alknet_channel_open_seconds").unit(Unit.SECONDS)
                .help("Client: channel open sent to confirmed (server dial included)")
                .classicOnly().classicUpperBounds(.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10)
                .register(registry);
        NettyMemory.register(registry);
        Info.builder().name("alknet").help("alknet process").labelNames("role").register(registry)
                .setLabelValues(role);
        // Present at 0 so that dashboards and alerts see them before the first event.
        socksReplies.labelValues(REPLIES[0]);
        authFailures.inc(0);
    }

    /** The resumable carrier keeps its own process-wide counters (ResumeStats); they are read at each scrape. */
    private static void resumeCounters(PrometheusRegistry registry) {
        CounterWithCallback.builder().name("alknet_resumes_total")
                .help("Sessions resumed over a new carrier instead of reconnected")
                .callback(c -> c.call(ResumeStats.resumes())).register(registry);
        CounterWithCallback.builder().name("alknet_resume_failures_total")
                .help("Sessions that could not be resumed, by cause (unknown_session: the server restarted or its"
                        + " grace ended; grace_elapsed: no carrier got through in time; count_mismatch; limit: server, a parked"
                        + " session ended to make room)")
                .labelNames("cause")
                .callback(c -> {
                    for (ResumeStats.Cause cause : ResumeStats.Cause.values()) {
                        c.call(ResumeStats.failures(cause), cause.label);
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("alknet_resuming_sessions")
                .help("Sessions waiting for a new carrier right now (their streams are held, not lost)")
                .callback(c -> c.call(ResumeStats.detachedNow())).register(registry);
        Histogram resumeTime = Histogram.builder().name("alknet_resume_seconds").unit(Unit.SECONDS)
                .help("Time from a carrier's loss to the session carried on by a new one")
                .classicOnly().classicUpperBounds(.05, .1, .25, .5, 1, 2, 3, 5, 10, 30, 60)
                .register(registry);
        ResumeStats.onResume(nanos -> resumeTime.observe(nanos / 1e9));
        CounterWithCallback.builder().name("alknet_resume_refusals_total")
                .help("Server: resume hellos refused (unknown, stale or forged token)")
                .callback(c -> c.call(ResumeStats.refusals())).register(registry);
        CounterWithCallback.builder().name("alknet_resume_replayed_bytes_total").unit(Unit.BYTES)
                .help("Bytes sent again after a resume").callback(c -> c.call(ResumeStats.bytesReplayed()))
                .register(registry);
    }

    @Override
    public void sessionOpened() {
        sessions.inc();
        sessionsTotal.inc();
    }

    @Override
    public void sessionClosed() {
        sessions.dec();
    }

    @Override
    public void reconnected() {
        reconnects.inc();
    }

    @Override
    public void channelOpened() {
        channelsOpen.inc();
        channelsTotal.inc();
    }

    @Override
    public void channelClosed() {
        channelsOpen.dec();
    }

    @Override
    public void bytesReceived(long n) {
        bytesReceived.inc(n);
    }

    @Override
    public void bytesSent(long n) {
        bytesSent.inc(n);
    }

    @Override
    public void socksReply(int code) {
        socksReplies.labelValues(code >= 0 && code < REPLIES.length ? REPLIES[code] : "code_" + code).inc();
    }

    @Override
    public void authFailed() {
        authFailures.inc();
    }

    @Override
    public void channelOpenLatency(long nanos) {
        openLatency.observe(nanos / 1e9);
    }
}
