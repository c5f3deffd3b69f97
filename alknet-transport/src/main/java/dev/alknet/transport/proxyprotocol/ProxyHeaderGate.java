package dev.alknet.transport.proxyprotocol;

import dev.alknet.transport.ReadGate;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After Netty's {@code HAProxyMessageDecoder}, on a connection from a trusted load balancer: waits (with a
 * deadline) for the PROXY header, records the client it names ({@link ProxyProtocol#CLIENT}), then lets
 * {@code proceed} admit that client and set up the rest of the pipeline (TLS, stealth, SSH), which only then
 * sees the connection become active. No header in time, a malformed one (the decoder closes), a refused
 * client or a LOCAL header (a health check: nothing to serve, and a probe every second must not hold the
 * balancer's per-address slots): the connection is closed without a byte. Bytes after the header wait in a {@link ReadGate} for the
 * pipeline's first read.
 */
final class ProxyHeaderGate extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(ProxyHeaderGate.class);

    private final long timeoutNanos;
    private final Predicate<InetSocketAddress> proceed;
    private ScheduledFuture<?> timer;
    private boolean decided;

    /** {@code proceed} admits the client and adds the pipeline's handlers; false refuses it. */
    ProxyHeaderGate(long timeoutNanos, Predicate<InetSocketAddress> proceed) {
        this.timeoutNanos = timeoutNanos;
        this.proceed = proceed;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        timer = ctx.executor().schedule(() -> {
            if (!decided) {
                LOG.info("{}: no PROXY header within {} ms, closing", ctx.channel().remoteAddress(),
                        TimeUnit.NANOSECONDS.toMillis(timeoutNanos));
                ctx.close();
            }
        }, timeoutNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        timer.cancel(false);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.read(); // the rest of the pipeline sees "active" once the header named its client
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (decided) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (!(msg instanceof HAProxyMessage m)) {
            ReferenceCountUtil.release(msg);
            ctx.close();
            return;
        }
        decided = true;
        timer.cancel(false);
        if (m.command() == HAProxyCommand.LOCAL) {
            // the balancer's own health check: it carries no client and wants nothing but the accept
            m.release();
            LOG.debug("{}: PROXY LOCAL (health check), closing", ctx.channel().remoteAddress());
            ctx.close();
            return;
        }
        InetSocketAddress client;
        try {
            client = client(m, (InetSocketAddress) ctx.channel().remoteAddress());
        } finally {
            m.release();
        }
        if (client == null) {
            LOG.info("{}: PROXY header names no TCP client, closing", ctx.channel().remoteAddress());
            ctx.close();
            return;
        }
        ctx.channel().attr(ProxyProtocol.CLIENT).set(client);
        ctx.pipeline().addLast(new ReadGate());
        if (!proceed.test(client)) {
            ctx.close();
            return;
        }
        ctx.pipeline().remove(this);
        ctx.fireChannelActive();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (!decided) {
            ctx.read(); // the header is not complete yet
        } else {
            ctx.fireChannelReadComplete();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (decided) {
            ctx.fireExceptionCaught(cause);
            return;
        }
        LOG.info("{}: bad PROXY header ({}), closing", ctx.channel().remoteAddress(), cause.getMessage());
        ctx.close();
    }

    /**
     * The client a PROXY header names: over TCP its source; PROXY UNKNOWN (v1: the balancer could not tell)
     * means the connection counts as the balancer's own, so its socket address. Null for anything else.
     */
    static InetSocketAddress client(HAProxyMessage m, InetSocketAddress socket) {
        if (m.proxiedProtocol() == HAProxyProxiedProtocol.UNKNOWN) {
            return socket;
        }
        if (m.proxiedProtocol() != HAProxyProxiedProtocol.TCP4 && m.proxiedProtocol() != HAProxyProxiedProtocol.TCP6) {
            return null;
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(m.sourceAddress()), m.sourcePort()); // a literal
        } catch (java.net.UnknownHostException e) {
            return null;
        }
    }
}
