package dev.alknet.client.forward;

import dev.alknet.client.SessionProvider;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.sshd.common.util.net.SshdSocketAddress;

/** What every connection of one {@link LocalForwarder} shares. */
record LocalForwardContext(ForwardSpec spec, SessionProvider sessions, SshdSocketAddress target,
        Duration openTimeout, AtomicInteger openChannels) {
}
