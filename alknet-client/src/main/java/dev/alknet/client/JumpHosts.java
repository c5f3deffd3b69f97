package dev.alknet.client;

import dev.alknet.client.forward.RemoteForwardFilter;
import dev.alknet.core.channel.DirectTcpipStreams;
import dev.alknet.transport.StreamSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The jump hosts of {@code alknet connect --jump}, first hop first (as {@code ssh -J}): one supervised SSH session
 * per hop. The first hop is dialled like any server (its carrier resumes like any other); each later hop, and then
 * the server itself, is reached through a {@code direct-tcpip} channel of the hop before ({@link #streams()}), so its
 * bytes ride inside the first hop's carrier. Every hop's host key is checked against its own known_hosts entry.
 */
public final class JumpHosts implements AutoCloseable {

    private final List<TunnelSupervisor> hops = new ArrayList<>();
    private final CompletableFuture<ConnectFailure> fatal = new CompletableFuture<>();
    private StreamSource last;

    /** Whether there is at least one hop. */
    public boolean any() {
        return !hops.isEmpty();
    }

    /** Streams through the last hop added, for the next hop's transport; null while there is none (sockets). */
    public StreamSource streams() {
        return last;
    }

    /**
     * Adds the next hop and starts its session; {@code hop}'s transport must take its streams from {@link #streams()}
     * as it was before this call.
     */
    public void add(ClientOptions hop) {
        TunnelConnector connector = new TunnelConnector(hop);
        // a jump host may not open channels back to us: no -R goes through it
        connector.client().acceptForwarded(RemoteForwardFilter.allowing(List.of()));
        TunnelSupervisor supervisor = new TunnelSupervisor(connector, hop.connectWait());
        supervisor.fatal().thenAccept(f -> fatal.complete(
                new ConnectFailure("jump host " + hop.server() + ": " + f.getMessage(), true, f)));
        hops.add(supervisor);
        supervisor.start();
        last = new DirectTcpipStreams(supervisor, hop.server().toString(),
                hop.connectWait().plus(hop.connectTimeout()));
    }

    /** Completes when a hop gave up for good (its host key changed, its key refused): the chain cannot come up. */
    public CompletableFuture<ConnectFailure> fatal() {
        return fatal;
    }

    /** Closes the hops, last first (the inner sessions ride the outer ones). */
    @Override
    public void close() {
        for (int i = hops.size() - 1; i >= 0; i--) {
            hops.get(i).close();
        }
    }
}
