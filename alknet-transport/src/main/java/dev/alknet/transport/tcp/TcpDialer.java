package dev.alknet.transport.tcp;

import dev.alknet.transport.ConnectErrors;
import dev.alknet.transport.Endpoint;
import dev.alknet.transport.ReadGate;
import dev.alknet.transport.Resolver;
import dev.alknet.transport.ShutInputReads;
import dev.alknet.transport.StreamSource;
import dev.alknet.transport.TransportException;
import dev.alknet.transport.proxy.ProxyFailures;
import dev.alknet.transport.proxy.ViaProxy;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.proxy.ProxyHandler;
import io.netty.resolver.NoopAddressResolverGroup;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Opens a TCP byte stream to an endpoint, directly or through a {@link ViaProxy} (never falling back to a
 * direct connection), then runs an optional {@link Handshake} on it (TLS). The channel it completes with
 * has autoRead off and a {@link ReadGate} last in its pipeline, holding anything read ahead.
 */
public final class TcpDialer {

    /** A handshake on the established byte stream; its handlers go before {@link ReadGate#NAME}. */
    @FunctionalInterface
    public interface Handshake {
        /**
         * Runs on the channel's event loop. Completes when the stream may be handed over; fails with a
         * {@link TransportException} whose message is the one-line reason (without the endpoint).
         */
        CompletableFuture<Void> run(Channel ch);
    }

    private final Duration connectTimeout;
    private final ViaProxy via;
    private final StreamSource streams;

    public TcpDialer(Duration connectTimeout, ViaProxy via) {
        this(connectTimeout, via, null);
    }

    /** @param streams where the byte stream comes from instead of a socket (a jump host), or null; excludes via */
    public TcpDialer(Duration connectTimeout, ViaProxy via, StreamSource streams) {
        if (via != null && streams != null) {
            throw new IllegalArgumentException("--via applies to the first hop only, not through a jump host");
        }
        this.connectTimeout = connectTimeout;
        this.via = via;
        this.streams = streams;
    }

    /** Dials {@code endpoint}; {@code handshake} may be null (plain TCP). */
    public CompletableFuture<Channel> dial(Endpoint endpoint, Handshake handshake) {
        CompletableFuture<Channel> result = new CompletableFuture<>();
        if (streams != null) {
            streams.open(endpoint).whenComplete((ch, error) -> {
                if (error != null) {
                    result.completeExceptionally(ConnectErrors.describe(endpoint, Resolver.unwrap(error)));
                    return;
                }
                ch.pipeline().addLast(ReadGate.NAME, new ReadGate());
                handshake(endpoint, ch, handshake, result);
            });
            return result;
        }
        if (via == null) {
            // Resolve off the event loops (Netty's default resolver would block one), then connect.
            Resolver.resolve(endpoint.host(), endpoint.port()).whenComplete((address, error) -> {
                if (error != null) {
                    result.completeExceptionally(ConnectErrors.describe(endpoint, Resolver.unwrap(error)));
                    return;
                }
                Bootstrap b = TcpTransport.configure(new Bootstrap(), connectTimeout).handler(init(null));
                b.connect(address).addListener((ChannelFuture f) -> {
                    if (f.isSuccess()) {
                        handshake(endpoint, f.channel(), handshake, result);
                    } else {
                        result.completeExceptionally(ConnectErrors.describe(endpoint, f.cause()));
                    }
                });
            });
            return result;
        }
        long timeoutMillis = connectTimeout.toMillis();
        Resolver.resolve(via.host(), via.port()).whenComplete((proxyAddress, error) -> {
            if (error != null) {
                result.completeExceptionally(viaFailure(endpoint, Resolver.unwrap(error)));
                return;
            }
            ProxyHandler proxy = via.newHandler(proxyAddress, timeoutMillis);
            // The proxy resolves the target: Netty must not, so the unresolved address reaches the handler.
            Bootstrap b = TcpTransport.configure(new Bootstrap(), connectTimeout)
                    .resolver(NoopAddressResolverGroup.INSTANCE)
                    .handler(init(proxy));
            b.connect(endpoint.unresolved()).addListener((ChannelFuture f) -> {
                if (!f.isSuccess()) {
                    f.channel().close();
                    result.completeExceptionally(viaFailure(endpoint, f.cause()));
                    return;
                }
                proxy.connectFuture().addListener(pf -> {
                    if (pf.isSuccess()) {
                        handshake(endpoint, f.channel(), handshake, result);
                    } else {
                        f.channel().close();
                        result.completeExceptionally(viaFailure(endpoint, pf.cause()));
                    }
                });
            });
        });
        return result;
    }

    private TransportException viaFailure(Endpoint endpoint, Throwable cause) {
        return new TransportException(endpoint + ": "
                + ProxyFailures.describe(via, cause, connectTimeout.toMillis()), cause);
    }

    private static ChannelInitializer<Channel> init(ProxyHandler proxy) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addFirst(ShutInputReads.NAME, ShutInputReads.INSTANCE);
                if (proxy != null) {
                    ch.pipeline().addLast("alknet-proxy", proxy);
                }
                ch.pipeline().addLast(ReadGate.NAME, new ReadGate());
            }
        };
    }

    private static void handshake(Endpoint endpoint, Channel ch, Handshake handshake,
            CompletableFuture<Channel> result) {
        if (handshake == null) {
            handOver(ch, result);
            return;
        }
        CompletableFuture<Void> done;
        try {
            done = handshake.run(ch);
        } catch (RuntimeException e) {
            done = CompletableFuture.failedFuture(e);
        }
        done.whenComplete((v, error) -> {
            if (error == null) {
                handOver(ch, result);
            } else {
                ch.close();
                result.completeExceptionally(ConnectErrors.describe(endpoint, Resolver.unwrap(error)));
            }
        });
    }

    private static void handOver(Channel ch, CompletableFuture<Channel> result) {
        if (!result.complete(ch)) {
            ch.close(); // the caller gave up (cancelled) meanwhile
        }
    }
}
