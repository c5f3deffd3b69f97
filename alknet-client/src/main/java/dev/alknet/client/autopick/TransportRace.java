package dev.alknet.client.autopick;

import dev.alknet.client.ConnectFailure;
import dev.alknet.client.SessionConnector;
import dev.alknet.client.TunnelConnector;
import dev.alknet.core.config.ServerAddress;
import dev.alknet.core.ssh.SshSession;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One server over several transports, in order of preference (quic, tls, wss, tcp): the transport that worked last
 * on this network ({@link TransportMemory}, keyed by {@link NetworkKey}) is tried alone first; otherwise, or when it
 * fails, the first two candidates race Happy-Eyeballs style (the second starts after {@code headStart}, or as soon
 * as the first fails), the first to finish the SSH login wins and a loser that logs in later is closed; the rest are
 * tried one by one. Every reconnect picks again, so a transport that stops working is left at the next connect.
 */
public final class TransportRace implements SessionConnector {

    private static final Logger LOG = LoggerFactory.getLogger(TransportRace.class);

    /** How long the first transport runs alone before the second joins the race. */
    public static final Duration HEAD_START = Duration.ofMillis(Long.getLong("alknet.transport.headStartMillis", 250));

    private final List<TunnelConnector> candidates;
    private final TransportMemory memory;
    private final Supplier<String> network;
    private final Duration headStart;
    private final ExecutorService dialers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "alknet-transport-race");
        t.setDaemon(true);
        return t;
    });
    private volatile int current;
    private volatile String note;

    public TransportRace(List<TunnelConnector> candidates, TransportMemory memory, Supplier<String> network,
            Duration headStart) {
        if (candidates.isEmpty()) {
            throw new IllegalArgumentException("no transport");
        }
        this.candidates = List.copyOf(candidates);
        this.memory = memory;
        this.network = network;
        this.headStart = headStart;
    }

    @Override
    public SshSession connect() throws ConnectFailure {
        String net = network.get();
        List<String> reasons = new ArrayList<>();
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < candidates.size(); i++) {
            order.add(i);
        }
        Optional<String> remembered = memory.lookup(net);
        int r = remembered.map(this::indexOf).orElse(-1);
        ConnectFailure last = null;
        boolean allPermanent = true;
        if (r >= 0) {
            order.remove(Integer.valueOf(r));
            try {
                SshSession s = candidates.get(r).connect();
                won(r, net, "remembered for " + net);
                return s;
            } catch (ConnectFailure f) {
                last = f;
                allPermanent = f.permanent();
                reasons.add(scheme(r) + " (remembered): " + f.getMessage());
                LOG.warn("remembered transport {} failed on {}: {}; trying the others", scheme(r), net,
                        f.getMessage());
            }
        }
        if (order.size() >= 2) {
            Attempt a = race(order.get(0), order.get(1), reasons);
            if (a.session != null) {
                won(a.index, net, String.join("; ", reasons));
                return a.session;
            }
            last = a.failure;
            allPermanent &= a.allPermanent;
            order = order.subList(2, order.size());
        }
        for (int i : order) {
            try {
                SshSession s = candidates.get(i).connect();
                won(i, net, String.join("; ", reasons));
                return s;
            } catch (ConnectFailure f) {
                last = f;
                allPermanent &= f.permanent();
                reasons.add(scheme(i) + ": " + f.getMessage());
            }
        }
        throw new ConnectFailure("no transport worked: " + String.join("; ", reasons), allPermanent,
                last == null ? null : last.getCause());
    }

    private record Result(int index, SshSession session, ConnectFailure failure) {
    }

    private record Attempt(int index, SshSession session, ConnectFailure failure, boolean allPermanent) {
    }

    /** Races candidates {@code first} and {@code second}; adds why each loser lost to {@code reasons}. */
    private Attempt race(int first, int second, List<String> reasons) {
        BlockingQueue<Result> results = new LinkedBlockingQueue<>();
        long[] started = new long[2]; // written before the dial it times starts
        CompletableFuture<Void> secondGo = new CompletableFuture<>();
        started[0] = System.nanoTime();
        dialers.execute(() -> dial(first, results, secondGo));
        CompletableFuture.delayedExecutor(headStart.toMillis(), TimeUnit.MILLISECONDS, dialers)
                .execute(() -> secondGo.complete(null));
        secondGo.thenRunAsync(() -> {
            started[1] = System.nanoTime();
            dial(second, results, null);
        }, dialers);
        Result winner = null;
        List<Result> failed = new ArrayList<>();
        try {
            while (winner == null && failed.size() < 2) {
                Result res = results.take();
                if (res.session != null) {
                    winner = res;
                } else {
                    failed.add(res);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (winner == null) {
            secondGo.cancel(false);
        }
        boolean allPermanent = true;
        ConnectFailure lastFailure = null;
        for (int i : new int[] {first, second}) {
            Result f = failed.stream().filter(x -> x.index == i).findFirst().orElse(null);
            if (f != null) {
                reasons.add(scheme(i) + ": " + f.failure.getMessage());
                allPermanent &= f.failure.permanent();
                lastFailure = f.failure;
            } else if (winner != null && winner.index != i) {
                int slot = i == first ? 0 : 1;
                if (slot == 1 && !secondGo.isDone() || started[slot] == 0) {
                    secondGo.cancel(false);
                    reasons.add(scheme(i) + ": not needed");
                } else {
                    long ms = (System.nanoTime() - started[slot]) / 1_000_000;
                    reasons.add(scheme(i) + ": no answer in " + String.format(Locale.ROOT, "%.1f s", ms / 1000.0));
                    closeLoserLater(results);
                }
            }
        }
        if (winner != null) {
            return new Attempt(winner.index, winner.session, null, false);
        }
        return new Attempt(-1, null, lastFailure, allPermanent);
    }

    /** A loser still dialling may log in after all: its session is closed when it does. */
    private void closeLoserLater(BlockingQueue<Result> results) {
        dialers.execute(() -> {
            try {
                Result late = results.poll(5, TimeUnit.MINUTES);
                if (late != null && late.session != null) {
                    LOG.debug("closing the losing {} session", scheme(late.index));
                    late.session.close(false);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    private void dial(int i, BlockingQueue<Result> results, CompletableFuture<Void> onFailure) {
        try {
            results.add(new Result(i, candidates.get(i).connect(), null));
        } catch (ConnectFailure f) {
            results.add(new Result(i, null, f));
            if (onFailure != null) {
                onFailure.complete(null); // the first failed: no need to wait out the head start
            }
        } catch (RuntimeException e) {
            results.add(new Result(i, null, new ConnectFailure(scheme(i) + ": " + e, false, e)));
            if (onFailure != null) {
                onFailure.complete(null);
            }
        }
    }

    private void won(int i, String net, String why) {
        current = i;
        note = scheme(i) + (why.isEmpty() ? "" : " (" + why + ")");
        LOG.info("transport {}", note);
        memory.remember(net, scheme(i));
    }

    /**
     * A resume moved the session from transport {@code from} to {@code to} ({@code from} stopped getting through):
     * status shows it, and this network's next start goes to {@code to}.
     */
    public void movedByResume(String from, String to) {
        int i = indexOf(to);
        if (i < 0) {
            return;
        }
        current = i;
        note = to + (from.equals(to) ? " (resumed over it again)"
                : " (the session resumed over it: " + from + " stopped getting through)");
        LOG.info("transport {}", note);
        memory.remember(network.get(), to);
    }

    private int indexOf(String scheme) {
        for (int i = 0; i < candidates.size(); i++) {
            if (scheme(i).equals(scheme)) {
                return i;
            }
        }
        return -1;
    }

    private String scheme(int i) {
        return candidates.get(i).server().scheme();
    }

    /** Which transport won the last pick and why the others lost, e.g. {@code tls (quic: no answer in 1.2 s)}. */
    @Override
    public String transportNote() {
        return note;
    }

    @Override
    public ServerAddress server() {
        return candidates.get(current).server();
    }

    /** The per-transport connectors (to configure their SSH clients alike). */
    public List<TunnelConnector> connectors() {
        return candidates;
    }

    @Override
    public void close() {
        dialers.shutdownNow();
        candidates.forEach(TunnelConnector::close);
    }
}
