package dev.alknet.client.socks;

import dev.alknet.client.SessionProvider;
import java.util.concurrent.atomic.AtomicInteger;

/** What every connection of one {@link SocksServer} shares. */
record SocksContext(SessionProvider sessions, SocksOptions options, AtomicInteger openRelays) {
}
