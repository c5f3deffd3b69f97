package dev.alknet.client.socks;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** {@link dev.alknet.testkit.Await} under this package's name, and the wait for a quiet SOCKS port. */
final class Await {

    private Await() {
    }

    static void until(BooleanSupplier condition, Duration limit, Supplier<String> what) throws InterruptedException {
        dev.alknet.testkit.Await.await(condition, limit, what);
    }

    /** Every SOCKS connection closed, every SSH channel closed on both ends. */
    static void idle(SocksServer socks, org.apache.sshd.client.session.ClientSession session, TestSsh server)
            throws InterruptedException {
        until(() -> socks.openRelays() == 0 && socks.openConnections() == 0
                        && TestSsh.channels(session).isEmpty() && server.serverChannels() == 0,
                Duration.ofSeconds(10),
                () -> "idle: relays=" + socks.openRelays() + " connections=" + socks.openConnections()
                        + " clientChannels=" + TestSsh.channels(session).size()
                        + " serverChannels=" + server.serverChannels());
    }
}
