package dev.alknet.core.channel;

import dev.alknet.core.config.HostPort;
import dev.alknet.transport.ConnectErrors;
import dev.alknet.transport.Endpoint;
import dev.alknet.transport.StreamSource;
import dev.alknet.transport.TransportException;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalIoHandler;
import io.netty.channel.local.LocalServerChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A jump host ({@code alknet connect --jump}): each stream is a {@code direct-tcpip} channel of the jump host's
 * session, handed out as a Netty channel so that the next hop's transport (its TLS, the resume layer, SSH) runs on it
 * as on a socket. The channel and the handed-out stream are joined by an in-VM pair (Netty's local transport: no
 * port, nothing another process can reach); {@link ChannelRelay} carries the bytes between the pair's far end and
 * the SSH channel, as it does for a SOCKS connection. The pairs run on one loop of their own: Netty's epoll and NIO
 * loops cannot carry local channels.
 */
public final class DirectTcpipStreams implements StreamSource {

    /** The originator sent with each open: this process, not a socket (MINA would otherwise look up a host name). */
    private static final HostPort ORIGINATOR = new HostPort("127.0.0.1", 0);

    /** One thread for every pair of the process, made on first use. */
    private static final class PairLoop {
        static final MultiThreadIoEventLoopGroup GROUP = new MultiThreadIoEventLoopGroup(1,
                new DefaultThreadFactory("alknet-jump", true), LocalIoHandler.newFactory());
    }

    private final SessionSource sessions;
    private final String hop;
    private final Duration openTimeout;
    private final AtomicInteger openChannels = new AtomicInteger();

    /**
     * @param sessions    the jump host's session
     * @param hop         the jump host as the user wrote it, for messages
     * @param openTimeout how long an open may wait for the session and the jump host's dial
     */
    public DirectTcpipStreams(SessionSource sessions, String hop, Duration openTimeout) {
        this.sessions = sessions;
        this.hop = hop;
        this.openTimeout = openTimeout;
    }

    @Override
    public CompletableFuture<Channel> open(Endpoint endpoint) {
        CompletableFuture<Channel> result = new CompletableFuture<>();
        EventLoop loop = PairLoop.GROUP.next();
        ChannelOpener<RelayDirectTcpip> opener = ChannelOpener.directTcpip(sessions, ORIGINATOR,
                new HostPort(endpoint.host(), endpoint.port()), openTimeout, loop, openChannels);
        opener.result().whenComplete((ssh, error) -> {
            if (error != null) {
                result.completeExceptionally(new TransportException("jump host " + hop + " did not reach "
                        + endpoint.hostPort() + ": " + ConnectErrors.reason(error), error));
            } else {
                join(ssh, loop, result);
            }
        });
        result.whenComplete((ch, error) -> {
            if (result.isCancelled()) {
                opener.cancel();
            }
        });
        return result;
    }

    /** Channels of this jump host open now (the hops through it). */
    public int openChannels() {
        return openChannels.get();
    }

    private void join(RelayDirectTcpip ssh, EventLoop loop, CompletableFuture<Channel> result) {
        LocalAddress address = new LocalAddress(DirectTcpipStreams.class);
        ServerBootstrap far = new ServerBootstrap().group(loop).channel(LocalServerChannel.class)
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(new ChannelInitializer<LocalChannel>() {
                    @Override
                    protected void initChannel(LocalChannel ch) {
                        ch.parent().close(); // one stream per pair: nothing else may connect
                        ch.pipeline().addLast(ChannelRelay.handler(ssh, ch, new ArrayDeque<>(), false));
                    }
                });
        far.bind(address).addListener((ChannelFuture bound) -> {
            if (!bound.isSuccess()) {
                ChannelRelay.closeNow(ssh);
                result.completeExceptionally(new TransportException("jump host " + hop + ": "
                        + ConnectErrors.reason(bound.cause()), bound.cause()));
                return;
            }
            new Bootstrap().group(loop).channel(LocalChannel.class)
                    .option(ChannelOption.AUTO_READ, false)
                    .handler(new ChannelInitializer<LocalChannel>() {
                        @Override
                        protected void initChannel(LocalChannel ch) {
                            // the transport adds its handlers once it has the stream
                        }
                    })
                    .connect(address).addListener((ChannelFuture near) -> {
                        bound.channel().close();
                        if (!near.isSuccess()) {
                            ChannelRelay.closeNow(ssh);
                            result.completeExceptionally(new TransportException("jump host " + hop + ": "
                                    + ConnectErrors.reason(near.cause()), near.cause()));
                        } else if (!result.complete(near.channel())) {
                            near.channel().close(); // given up on meanwhile; the relay closes the SSH channel
                        }
                    });
        });
    }
}
