package dev.alknet.core.bridge;

import dev.alknet.transport.Endpoint;
import dev.alknet.transport.Transport;
import io.netty.channel.Channel;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The other ways to the same server a resume may take when the session's own transport no longer gets through (UDP
 * blocked mid-session: the resume then goes over tls, same session, streams kept). Each resume attempt takes the next
 * carrier in turn, starting from the one that last worked; empty: every attempt dials the session's own transport.
 */
public final class ResumeCarriers {

    private static final Logger LOG = LoggerFactory.getLogger(ResumeCarriers.class);

    /** One way to the server: a transport and where it dials. */
    public record Carrier(Transport transport, Endpoint endpoint) {
    }

    private final List<Carrier> others = new CopyOnWriteArrayList<>();
    private volatile java.util.function.Consumer<Endpoint> onOther = e -> { };

    /** Told when a resume dial over another carrier than the last one got through (the session moved to it). */
    public void onMoved(java.util.function.Consumer<Endpoint> listener) {
        onOther = listener;
    }

    /** Adds ways to the server besides the session's own (in order of preference). */
    public void add(List<Carrier> more) {
        others.addAll(more);
    }

    /**
     * The dials of one resume: attempt after attempt round the carriers ({@code own} first), starting at the one whose
     * dial last succeeded ({@code preferred}, kept per session).
     */
    Supplier<CompletableFuture<Channel>> dials(Carrier own, AtomicInteger preferred) {
        List<Carrier> all = new java.util.ArrayList<>();
        all.add(own);
        all.addAll(others);
        if (all.size() == 1) {
            return () -> own.transport().connect(own.endpoint());
        }
        AtomicInteger calls = new AtomicInteger();
        int start = preferred.get();
        return () -> {
            int i = Math.floorMod(start + calls.getAndIncrement(), all.size());
            Carrier c = all.get(i);
            if (i != 0) {
                LOG.info("resume attempt over {} (the session's own {} did not get through)", c.endpoint(),
                        own.endpoint().scheme());
            }
            CompletableFuture<Channel> f = c.transport().connect(c.endpoint());
            f.thenRun(() -> {
                if (preferred.getAndSet(i) != i) {
                    onOther.accept(c.endpoint());
                }
            });
            return f;
        };
    }
}
