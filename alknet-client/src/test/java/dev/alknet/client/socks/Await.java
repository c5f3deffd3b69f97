package dev.alknet.client.socks;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

final class Await {

    private Await() {
    }

    static void until(BooleanSupplier condition, Duration limit, Supplier<String> what) throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                fail("timed out after " + limit + " waiting for " + what.get());
            }
            Thread.sleep(10);
        }
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
