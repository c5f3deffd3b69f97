package dev.alknet.client.forward.dynamic;

import dev.alknet.client.socks.Upstream;
import dev.alknet.core.config.HostPort;
import dev.alknet.core.open.OpenFailure;
import dev.alknet.transport.ConnectErrors;
import dev.alknet.transport.EventLoops;
import dev.alknet.transport.Resolver;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A dynamic {@code -R} CONNECT leaves from this machine: the name is resolved here (off the event loop), the address
 * goes through the {@link ExitPolicy}, then the destination is dialled on the client connection's loop and the two
 * sockets are spliced ({@link SocketSplice}).
 */
final class DirectUpstream implements Upstream {

    private static final Logger log = LoggerFactory.getLogger(DirectUpstream.class);

    private final ExitPolicy policy;
    private final Duration connectTimeout;
    private final AtomicInteger open;

    DirectUpstream(ExitPolicy policy, Duration connectTimeout, AtomicInteger open) {
        this.policy = policy;
        this.connectTimeout = connectTimeout;
        this.open = open;
    }

    @Override
    public Opening open(Channel client, HostPort target) {
        CompletableFuture<Channel> dialled = new CompletableFuture<>();
        Resolver.resolveForPeer(target.host(), target.port()).whenComplete((address, error) -> {
            if (error != null) {
                dialled.completeExceptionally(failure(target, Resolver.unwrap(error)));
                return;
            }
            String refused = policy.refusal(address.getAddress());
            if (refused != null) {
                log.info("dynamic -R: refused a connection to {} ({}; --dynamic-allow-local lets this machine's "
                        + "addresses through)", target, refused);
                dialled.completeExceptionally(new ExitFailure(OpenFailure.FORBIDDEN, refused, null));
                return;
            }
            new Bootstrap().group(client.eventLoop()).channel(EventLoops.socketChannel())
                    .option(ChannelOption.AUTO_READ, false)
                    .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis())
                    .handler(new ChannelInboundHandlerAdapter())
                    .connect(address).addListener((ChannelFuture f) -> {
                        if (!f.isSuccess()) {
                            dialled.completeExceptionally(failure(target, f.cause()));
                        } else if (dialled.complete(f.channel())) {
                            open.incrementAndGet();
                            f.channel().closeFuture().addListener(c -> open.decrementAndGet());
                        } else {
                            f.channel().close(); // the client left meanwhile
                        }
                    });
        });
        return new Opening() {
            @Override
            public CompletableFuture<?> ready() {
                return dialled;
            }

            @Override
            public void cancel() {
                if (!dialled.cancel(false) && !dialled.isCompletedExceptionally()) {
                    dialled.join().close();
                }
            }

            @Override
            public ChannelHandler relay(Channel socket, ArrayDeque<ByteBuf> payload, boolean inputEnded) {
                return SocketSplice.join(socket, dialled.join(), payload, inputEnded);
            }
        };
    }

    private static ExitFailure failure(HostPort target, Throwable cause) {
        String why = ConnectErrors.reason(cause);
        return new ExitFailure(OpenFailure.of(OpenFailure.OTHER.sshReason(), why), target + ": " + why, cause);
    }
}
