package dev.alknet.tun;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import sun.misc.Signal;

/**
 * Tells a stop that was asked for (SIGTERM, SIGINT, SIGHUP: the operator or systemd) from any other end of the JVM
 * (an internal failure, a lost TUN device). Shutdown hooks run in both cases; only the first may open the kill switch.
 */
final class StopSignals {

    private static final AtomicBoolean REQUESTED = new AtomicBoolean();

    private StopSignals() {
    }

    /** Replaces the JVM's handlers with ones that record the request, then exit as the JVM would (128 + signal). */
    static void install() {
        for (String name : List.of("TERM", "INT", "HUP")) {
            Signal.handle(new Signal(name), s -> {
                REQUESTED.set(true);
                Runtime.getRuntime().exit(128 + s.getNumber());
            });
        }
    }

    static boolean requested() {
        return REQUESTED.get();
    }
}
