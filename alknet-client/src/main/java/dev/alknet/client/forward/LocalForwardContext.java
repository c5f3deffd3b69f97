package dev.alknet.client.forward;

import dev.alknet.client.SessionProvider;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import dev.alknet.core.config.HostPort;

/** What every connection of one {@link LocalForwarder} shares. */
record LocalForwardContext(ForwardSpec spec, SessionProvider sessions, HostPort target,
        Duration openTimeout, AtomicInteger openChannels) {
}
