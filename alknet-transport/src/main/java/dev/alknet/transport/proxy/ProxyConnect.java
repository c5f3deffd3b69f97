package dev.alknet.transport.proxy;

import dev.alknet.transport.ReadGate;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.proxy.ProxyHandler;
import io.netty.resolver.NoopAddressResolverGroup;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

/**
 * One TCP connection to {@code target} through an upstream proxy (SOCKS5 or HTTP CONNECT), for dialers that hand the
 * byte stream on: the proxy handler is removed once the proxy reported success; a {@link ReadGate} stays last and
 * replays anything the target sent early at the caller's first read. Never connects around the proxy.
 */
public final class ProxyConnect {

    /** Where a proxied connect failed: reaching the proxy, or in the proxy's answer about the target. */
    public static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;
        private final boolean proxyUnreachable;

        public Failure(boolean proxyUnreachable, Throwable cause) {
            super(cause.getMessage(), cause);
            this.proxyUnreachable = proxyUnreachable;
        }

        /** True if the TCP connection to the proxy itself failed (the proxy is down or unreachable). */
        public boolean proxyUnreachable() {
            return proxyUnreachable;
        }
    }

    private ProxyConnect() {
    }

    /**
     * Connects with a clone of {@code bootstrap} (its options and group; its handler is replaced) through {@code via}
     * at {@code proxyAddress}. {@code target} may be unresolved: the proxy then resolves the name. Fails with a
     * {@link Failure}. Cancelling the result closes the connection.
     */
    public static CompletableFuture<Channel> connect(Bootstrap bootstrap, ViaProxy via, InetSocketAddress proxyAddress,
            InetSocketAddress target, long timeoutMillis) {
        CompletableFuture<Channel> result = new CompletableFuture<>();
        ProxyHandler proxy = via.newHandler(proxyAddress, timeoutMillis);
        ChannelFuture connect = bootstrap.clone()
                .resolver(NoopAddressResolverGroup.INSTANCE) // the handler, not Netty, sends the target to the proxy
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        // The gate holds target bytes read together with the proxy's reply until the caller reads.
                        ch.pipeline().addLast("alknet-outbound-proxy", proxy).addLast(ReadGate.NAME, new ReadGate());
                    }
                })
                .connect(target);
        result.whenComplete((ch, err) -> {
            if (result.isCancelled()) {
                connect.channel().close();
            }
        });
        connect.addListener(f -> {
            if (!f.isSuccess()) {
                connect.channel().close();
                result.completeExceptionally(new Failure(true, f.cause()));
                return;
            }
            proxy.connectFuture().addListener(pf -> {
                Channel ch = connect.channel();
                if (!pf.isSuccess()) {
                    ch.close();
                    result.completeExceptionally(new Failure(false, pf.cause()));
                    return;
                }
                ch.eventLoop().execute(() -> {
                    if (ch.pipeline().get(ProxyHandler.class) != null) {
                        ch.pipeline().remove(proxy);
                    }
                    if (!result.complete(ch)) {
                        ch.close(); // cancelled meanwhile
                    }
                });
            });
        });
        return result;
    }

    /** The SOCKS5 reply code in a proxy's refusal ("status: CONNECTION_REFUSED(5)"), or -1. */
    public static int socksStatus(Throwable failure) {
        String s = statusText(failure);
        if (s == null || !s.endsWith(")")) {
            return -1;
        }
        int open = s.lastIndexOf('(');
        try {
            return open < 0 ? -1 : Integer.parseInt(s.substring(open + 1, s.length() - 1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The HTTP status code in an HTTP proxy's refusal ("status: 503 Service Unavailable"), or -1. */
    public static int httpStatus(Throwable failure) {
        String s = statusText(failure);
        if (s == null || s.length() < 3) {
            return -1;
        }
        try {
            return Integer.parseInt(s.substring(0, 3));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** True if the proxy did not finish its handshake within the connect timeout. */
    public static boolean timedOut(Throwable failure) {
        String m = proxyMessage(failure);
        return m != null && m.endsWith(", timeout");
    }

    private static String statusText(Throwable failure) {
        String m = proxyMessage(failure);
        int i = m == null ? -1 : m.lastIndexOf(", status: ");
        return i < 0 ? null : m.substring(i + ", status: ".length());
    }

    private static String proxyMessage(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof io.netty.handler.proxy.ProxyConnectException) {
                return t.getMessage();
            }
        }
        return null;
    }
}
