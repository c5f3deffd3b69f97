package dev.alknet.cli;

import java.util.concurrent.CompletableFuture;
import sun.misc.Signal;

/**
 * Waits for SIGTERM or SIGINT. Handled as signals rather than a shutdown hook so the command can shut
 * down in order and still exit 0 (a hook-driven exit on SIGTERM reports 143).
 */
final class ShutdownSignal {

    private final CompletableFuture<String> received = new CompletableFuture<>();

    ShutdownSignal() {
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), s -> received.complete("SIG" + name));
        }
    }

    CompletableFuture<String> received() {
        return received;
    }
}
