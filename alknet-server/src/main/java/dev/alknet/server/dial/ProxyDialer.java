package dev.alknet.server.dial;

import dev.alknet.transport.EventLoops;
import dev.alknet.transport.proxy.ProxyConnect;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dials every destination through an {@link OutboundProxy}; if the proxy is down the dial fails, nothing goes direct.
 * With a name-resolving proxy ({@code socks5h}, {@code http}) names reach the proxy unresolved and only IP literals
 * meet the {@link AddressCheck}; with plain {@code socks5} the server resolves and the first allowed address is sent.
 */
public final class ProxyDialer extends TargetDialer {

    private static final Logger LOG = LoggerFactory.getLogger(ProxyDialer.class);

    private final OutboundProxy proxy;
    private final HostResolver resolver;
    private final Duration connectTimeout;
    private final Bootstrap bootstrap;

    public ProxyDialer(OutboundProxy proxy) {
        this(proxy, CachingHostResolver.shared(), DirectDialer.DEFAULT_CONNECT_TIMEOUT);
    }

    public ProxyDialer(OutboundProxy proxy, HostResolver resolver, Duration connectTimeout) {
        this.proxy = Objects.requireNonNull(proxy, "proxy");
        this.resolver = Objects.requireNonNull(resolver, "resolver");
        this.connectTimeout = Objects.requireNonNull(connectTimeout, "connectTimeout");
        this.bootstrap = new Bootstrap()
                .group(EventLoops.group())
                .channel(EventLoops.socketChannel())
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()))
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        // replaced per connect
                    }
                });
    }

    @Override
    public CompletableFuture<Channel> dial(DialTarget destination, AddressCheck check) {
        String host = destination.host();
        int port = destination.port();
        HostLiteral.Host parsed = destination.parsed();
        String name = parsed.name();
        CompletableFuture<InetSocketAddress> target;
        if (parsed.isAddress()) {
            // Sent as an address, whatever form it came in: "127.1" must not reach the proxy's own parser as a name.
            target = checked(List.of(parsed.address()), port, check);
        } else if (proxy.proxyResolves()) {
            target = CompletableFuture.completedFuture(InetSocketAddress.createUnresolved(name, port));
        } else {
            target = resolver.resolve(name).orTimeout(connectTimeout.toNanos(), TimeUnit.NANOSECONDS)
                    .handle((list, err) -> {
                        if (err != null) {
                            throw new CompletionException(DialErrors.unknownHost(host, unwrap(err)));
                        }
                        return list;
                    })
                    .thenCompose(list -> checked(list, port, check));
        }
        CompletableFuture<Channel> result = new CompletableFuture<>();
        target.thenCompose(t -> proxyAddress().thenCompose(p -> {
            LOG.debug("dial {} port {} through {} as {}", host, port, proxy, t);
            CompletableFuture<Channel> c = ProxyConnect.connect(bootstrap, proxy.via(), p, t, connectTimeout.toMillis());
            result.whenComplete((ch, err) -> {
                if (result.isCancelled()) {
                    c.cancel(false);
                }
            });
            return c;
        })).whenComplete((ch, err) -> {
            if (err == null) {
                if (!result.complete(ch)) {
                    ch.close();
                }
            } else {
                result.completeExceptionally(ProxyDialErrors.classify(proxy, unwrap(err)));
            }
        });
        return result;
    }

    private static CompletableFuture<InetSocketAddress> checked(List<InetAddress> addresses, int port,
            AddressCheck check) {
        List<InetAddress> permitted = check.permitted(addresses);
        return permitted.isEmpty() ? CompletableFuture.failedFuture(DialErrors.forbidden())
                : CompletableFuture.completedFuture(new InetSocketAddress(permitted.get(0), port));
    }

    /** The proxy's own address, resolved per dial (cached by the JDK) so a proxy name may move. */
    private CompletableFuture<InetSocketAddress> proxyAddress() {
        String h = proxy.via().host();
        InetAddress literal = NetUtil.createInetAddressFromIpAddressString(h);
        if (literal != null) {
            return CompletableFuture.completedFuture(new InetSocketAddress(literal, proxy.via().port()));
        }
        return resolver.resolve(h).orTimeout(connectTimeout.toNanos(), TimeUnit.NANOSECONDS)
                .handle((list, err) -> {
                    if (err != null) {
                        throw new CompletionException(new DialException(DialFailure.PROXY_DOWN,
                                "outbound proxy unavailable: cannot resolve " + h, unwrap(err)));
                    }
                    return new InetSocketAddress(list.get(0), proxy.via().port());
                });
    }

    private static Throwable unwrap(Throwable t) {
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
