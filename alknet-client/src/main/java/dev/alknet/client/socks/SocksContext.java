package dev.alknet.client.socks;

import dev.alknet.client.SessionProvider;
import dev.alknet.client.socks.udp.UdpCounters;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What every connection of one {@link SocksServer} shares; {@code upstream} is where its CONNECTs go. Public only for the dialect packages
 * ({@code v4}, {@code http}, {@code udp}).
 */
public record SocksContext(SessionProvider sessions, SocksOptions options, AtomicInteger openRelays,
        UdpCounters udp, Upstream upstream) {
}
