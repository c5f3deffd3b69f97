package dev.alknet.server.dial;

import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Resolves a host name without blocking the caller's thread. */
@FunctionalInterface
public interface HostResolver {

    /** Completes with at least one address, or fails (typically with {@link java.net.UnknownHostException}). */
    CompletableFuture<List<InetAddress>> resolve(String host);
}
