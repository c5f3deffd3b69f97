package dev.alknet.server;

import dev.alknet.transport.Admission;
import dev.alknet.transport.StreamAddresses;
import dev.alknet.transport.resume.ResumableStream;
import dev.alknet.transport.resume.ResumeRegistry;
import io.netty.channel.Channel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sessions parked for a resume (docs/adr/0011) go on counting: against their client address's
 * {@code --max-conns-per-ip} (the slot their carrier held), and at most {@code --max-detached-per-key} per key and
 * {@code --max-detached} in all. A limit never refuses anyone: when a new parked session (or, for the address, a new
 * connection) needs room, the oldest parked session of that key (of the address, of all) is ended early, as if its
 * grace had run out; its client then reconnects afresh. Live users thus always win over parked sessions, and a
 * client that parks sessions on purpose (connect, arm, cut, repeat) only ever holds the newest few.
 */
final class DetachedSessions implements ResumeRegistry.Watcher {

    private static final Logger LOG = LoggerFactory.getLogger(DetachedSessions.class);

    /** Who a session is: its client address and the key it logged in with. */
    private record Owner(InetAddress address, String key) {
    }

    private final ConnectionsPerAddress perAddress;
    private final int maxPerKey;
    private final int maxTotal;
    private final Map<ResumableStream, Owner> owners = new ConcurrentHashMap<>();
    /** Parked now, oldest first. */
    private final LinkedHashMap<ResumableStream, Owner> parked = new LinkedHashMap<>();
    private BiConsumer<ResumableStream, String> ender = (s, why) -> s.end();

    DetachedSessions(ConnectionsPerAddress perAddress, int maxPerKey, int maxTotal) {
        this.perAddress = perAddress;
        this.maxPerKey = maxPerKey;
        this.maxTotal = maxTotal;
    }

    /** How an evicted session is ended (the registry's drop: ends the stream and closes the session). */
    void endWith(ResumeRegistry registry) {
        ender = registry::drop;
    }

    /** At login: who the session under {@code stream} belongs to. */
    void loggedIn(ResumableStream stream, InetAddress address, String key) {
        owners.put(stream, new Owner(address, Objects.requireNonNullElse(key, "")));
    }

    @Override
    public void detached(ResumableStream stream) {
        Owner o = owners.get(stream);
        if (o == null) {
            return;
        }
        List<ResumableStream> evict = new ArrayList<>();
        synchronized (this) {
            if (stream.ended() || parked.containsKey(stream)) {
                return;
            }
            perAddress.acquire(o.address());
            parked.put(stream, o);
            long sameKey = parked.values().stream().filter(p -> p.key().equals(o.key())).count();
            for (var e : parked.entrySet()) {
                if (sameKey <= maxPerKey) {
                    break;
                }
                if (e.getValue().key().equals(o.key())) {
                    evict.add(e.getKey());
                    sameKey--;
                }
            }
            int over = parked.size() - evict.size() - maxTotal;
            for (ResumableStream s : parked.keySet()) {
                if (over <= 0) {
                    break;
                }
                if (!evict.contains(s)) {
                    evict.add(s);
                    over--;
                }
            }
        }
        for (ResumableStream s : evict) {
            LOG.info("ending a parked session of key {} from {} early: {} parked for the key (--max-detached-per-key"
                    + " {}), {} in all (--max-detached {})", owners.get(s) == null ? "?" : owners.get(s).key(),
                    owners.get(s) == null ? "?" : owners.get(s).address().getHostAddress(), countKey(o.key()),
                    maxPerKey, count(), maxTotal);
            ender.accept(s, "parked-session limit: a newer session of the key took its place");
        }
    }

    @Override
    public void attached(ResumableStream stream, Channel carrier) {
        // the resume hello proved the token: this carrier is past its handshake
        Admission.settle(carrier);
        unpark(stream);
        Owner o = owners.get(stream);
        if (o != null && StreamAddresses.remote(carrier) instanceof InetSocketAddress a) {
            owners.put(stream, new Owner(a.getAddress(), o.key()));
        }
    }

    @Override
    public void ended(ResumableStream stream) {
        unpark(stream);
        owners.remove(stream);
    }

    /**
     * A new connection from {@code address} finds its limit full: ends the address's oldest parked session, if it
     * has one. True if one was ended (its slot is free then).
     */
    boolean makeRoomFor(InetAddress address) {
        if (address == null) {
            return false;
        }
        ResumableStream oldest = null;
        synchronized (this) {
            for (var e : parked.entrySet()) {
                if (address.equals(e.getValue().address())) {
                    oldest = e.getKey();
                    break;
                }
            }
        }
        if (oldest == null) {
            return false;
        }
        LOG.info("ending a parked session from {} early: a new connection needs its slot (--max-conns-per-ip)",
                address.getHostAddress());
        ender.accept(oldest, "connection limit: a new connection from the address took its slot");
        return true;
    }

    private void unpark(ResumableStream stream) {
        Owner o;
        synchronized (this) {
            o = parked.remove(stream);
        }
        if (o != null) {
            perAddress.release(o.address());
        }
    }

    synchronized int count() {
        return parked.size();
    }

    private synchronized long countKey(String key) {
        return parked.values().stream().filter(p -> p.key().equals(key)).count();
    }
}
