package dev.alknet.client;

import dev.alknet.client.socks.SocksOptions;
import dev.alknet.client.socks.SocksServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

/**
 * A running client: the supervised SSH session plus its local SOCKS5h listener. The listener is up
 * before the first session, so programs can start at once; their streams wait for the tunnel.
 */
public final class AlknetClient implements AutoCloseable {

    private final TunnelSupervisor supervisor;
    private final SocksServer socks;

    private AlknetClient(TunnelSupervisor supervisor, SocksServer socks) {
        this.supervisor = supervisor;
        this.socks = socks;
    }

    public static AlknetClient start(ClientOptions options, InetSocketAddress socksBind) throws IOException {
        TunnelSupervisor supervisor = new TunnelSupervisor(new TunnelConnector(options), options.connectWait());
        SocksServer socks;
        try {
            socks = SocksServer.start(socksBind, supervisor, SocksOptions.defaults());
        } catch (RuntimeException e) {
            supervisor.close();
            throw e;
        }
        supervisor.start();
        return new AlknetClient(supervisor, socks);
    }

    public InetSocketAddress socksAddress() {
        return socks.localAddress();
    }

    public SessionProvider sessions() {
        return supervisor;
    }

    /** The reason the last attempt to bring the tunnel up failed, or null while it is up. */
    public String lastError() {
        return supervisor.lastError();
    }

    /** Completes if the client gave up for good (key refused, host key changed). */
    public CompletableFuture<ConnectFailure> fatal() {
        return supervisor.fatal();
    }

    @Override
    public void close() {
        socks.closeAll();
        supervisor.close();
    }
}
