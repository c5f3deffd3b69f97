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
public final class ProxyDialer implements Dialer {

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
    public CompletableFuture<Channel> dial(String host, int port) {
        return dial(host, port, AddressCheck.ANY);
    }

    @Override
    public CompletableFuture<Channel> dial(String host, int port, AddressCheck check) {
        if (port < 1 || port > 65535) {
            return CompletableFuture.failedFuture(new DialException(DialFailure.OTHER, "invalid port " + port, null));
        }
        HostLiteral.Host parsed = HostLiteral.parse(host);
        if (parsed.isInvalid()) {
            return CompletableFuture.failedFuture(DialErrors.unknownHost(host, null));
        }
        String name = parsed.name();
        if (!parsed.isAddress() && ReservedNames.isReserved(name)) {
            return CompletableFuture.failedFuture(ReservedNames.refusal(host));
        }
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
        for (InetAddress a : addresses) {
            boolean ok;
            try {
                ok = check.allowed(a);
            } catch (RuntimeException e) {
                ok = false;
            }
            if (ok) {
                return CompletableFuture.completedFuture(new InetSocketAddress(a, port));
            }
        }
        return CompletableFuture.failedFuture(
                new DialException(DialFailure.FORBIDDEN, DialErrors.textOf(DialFailure.FORBIDDEN), null));
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
