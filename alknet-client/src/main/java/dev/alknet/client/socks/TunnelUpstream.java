package dev.alknet.client.socks;

import dev.alknet.client.SessionProvider;
import dev.alknet.core.channel.ChannelOpener;
import dev.alknet.core.channel.ChannelRelay;
import dev.alknet.core.channel.RelayDirectTcpip;
import dev.alknet.core.config.HostPort;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/** Each CONNECT over its own {@code direct-tcpip} channel of the tunnel's session, relayed by {@link ChannelRelay}. */
public final class TunnelUpstream implements Upstream {

    private final SessionProvider sessions;
    private final Duration openTimeout;
    private final AtomicInteger openRelays;

    public TunnelUpstream(SessionProvider sessions, Duration openTimeout, AtomicInteger openRelays) {
        this.sessions = sessions;
        this.openTimeout = openTimeout;
        this.openRelays = openRelays;
    }

    @Override
    public boolean udp() {
        return true;
    }

    @Override
    public Opening open(Channel client, HostPort target) {
        ChannelOpener<RelayDirectTcpip> opener = ChannelOpener.directTcpip(sessions,
                originator(client.remoteAddress()), target, openTimeout, client.eventLoop(), openRelays);
        return new Opening() {
            @Override
            public CompletableFuture<?> ready() {
                return opener.result();
            }

            @Override
            public void cancel() {
                opener.cancel();
                CompletableFuture<RelayDirectTcpip> r = opener.result();
                if (r.isDone() && !r.isCompletedExceptionally()) {
                    ChannelRelay.closeNow(r.join()); // the client left while the server was dialling
                }
            }

            @Override
            public ChannelHandler relay(Channel socket, ArrayDeque<ByteBuf> payload, boolean inputEnded) {
                return ChannelRelay.handler(opener.result().join(), socket, payload, inputEnded);
            }
        };
    }

    private static HostPort originator(SocketAddress remote) {
        if (remote instanceof InetSocketAddress inet && inet.getAddress() != null) {
            // The literal, never getHostName(): that would be a reverse lookup on the event loop.
            return new HostPort(inet.getAddress().getHostAddress(), inet.getPort());
        }
        return new HostPort("0.0.0.0", 0);
    }
}
