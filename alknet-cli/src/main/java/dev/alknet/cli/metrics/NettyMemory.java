package dev.alknet.cli.metrics;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetric;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;

/**
 * Memory held by Netty's default allocator (every alknet channel uses it), read at each scrape. The process's RSS
 * alone cannot tell buffers in use from memory the C library keeps after a free (docs/reliability.md, "Soak").
 */
final class NettyMemory {

    private NettyMemory() {
    }

    static void register(PrometheusRegistry registry) {
        if (!(ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider provider)) {
            return;
        }
        ByteBufAllocatorMetric metric = provider.metric();
        GaugeWithCallback.builder().name("alknet_netty_memory_bytes").unit(Unit.BYTES)
                .help("Memory held by Netty's buffer allocator (chunks in use or cached), by kind")
                .labelNames("kind")
                .callback(g -> {
                    g.call(metric.usedDirectMemory(), "direct");
                    g.call(metric.usedHeapMemory(), "heap");
                })
                .register(registry);
    }
}
