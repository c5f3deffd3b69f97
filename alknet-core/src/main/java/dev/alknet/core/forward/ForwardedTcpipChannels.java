package dev.alknet.core.forward;

import dev.alknet.core.channel.Dial;
import dev.alknet.core.channel.DialedChannel;
import dev.alknet.core.config.HostPort;
import dev.alknet.core.open.OpenFailure;
import dev.alknet.core.ssh.SshSession;
import dev.alknet.transport.EventLoops;
import dev.alknet.transport.Resolver;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Predicate;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.server.forward.RejectAllForwardingFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's {@code forwarded-tcpip} channels ({@code -R}, RFC 4254 §7.1), in place of MINA's: each is a
 * {@link DialedChannel} whose {@link Dial} finds the target of the {@code -R} the server listens for on that port
 * ({@link RemoteForwarding}), checks it is one the client's forwards named, and connects to it. Anything else is
 * refused as forbidden: a hostile or compromised server must not be able to make the client dial into its network.
 */
public final class ForwardedTcpipChannels implements Dial {

    static final String NAME = "forwarded-tcpip";
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private static final Logger log = LoggerFactory.getLogger(ForwardedTcpipChannels.class);

    private final Predicate<HostPort> allowed;
    private final Bootstrap bootstrap = new Bootstrap()
            .group(EventLoops.group())
            .channel(EventLoops.socketChannel())
            .option(ChannelOption.AUTO_READ, false)
            .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) CONNECT_TIMEOUT.toMillis())
            .handler(new ChannelInitializer<>() {
                @Override
                protected void initChannel(Channel ch) {
                    // DialedChannel installs the relay once it owns the channel.
                }
            });

    private ForwardedTcpipChannels(Predicate<HostPort> allowed) {
        this.allowed = allowed;
    }

    /**
     * Makes {@code client} accept {@code forwarded-tcpip} channels to the targets {@code allowed} admits (e.g. those
     * of the {@code -R} forwards; none: refuse all), and no other forwarding (no listening, agent or X11).
     */
    public static void acceptOn(SshClient client, Predicate<HostPort> allowed) {
        ForwardedTcpipChannels dial = new ForwardedTcpipChannels(allowed);
        List<ChannelFactory> factories = new ArrayList<>(client.getChannelFactories());
        factories.removeIf(f -> NAME.equals(f.getName()));
        factories.add(new ChannelFactory() {
            @Override
            public String getName() {
                return NAME;
            }

            @Override
            public org.apache.sshd.common.channel.Channel createChannel(Session session) {
                return new DialedChannel(dial);
            }
        });
        client.setChannelFactories(factories);
        client.setForwardingFilter(RejectAllForwardingFilter.INSTANCE);
    }

    @Override
    public CompletableFuture<Channel> dial(SshSession session, String host, long port) {
        HostPort target = RemoteForwarding.targetOf(session, port);
        if (target == null || !allowed.test(target)) {
            log.warn("refused a {} channel from the server to {}:{}: no -R forward goes there", NAME, host, port);
            return CompletableFuture.failedFuture(new Forbidden());
        }
        CompletableFuture<Channel> result = new CompletableFuture<>();
        // On the session's loop where there is one, as the server's dialer does (ADR 0016). A -R target is a name of
        // this machine or a literal; a name is looked up off the loop: a slow DNS must not stall the whole session.
        EventLoop home = EventLoops.current();
        Bootstrap dialing = home != null ? bootstrap.clone(home) : bootstrap;
        Resolver.resolveForPeer(target.host(), target.port()).whenComplete((address, error) -> {
            if (error != null) {
                result.completeExceptionally(Resolver.unwrap(error));
                return;
            }
            if (result.isDone()) {
                return; // cancelled while the name was looked up
            }
            ChannelFuture connect = dialing.connect(address);
            connect.addListener(f -> {
                if (f.isSuccess()) {
                    if (!result.complete(connect.channel())) {
                        connect.channel().close(); // cancelled meanwhile
                    }
                } else {
                    result.completeExceptionally(f.cause());
                }
            });
            result.whenComplete((ch, err) -> {
                if (err instanceof CancellationException) {
                    connect.channel().close();
                }
            });
        });
        return result;
    }

    @Override
    public Refusal refusal(Throwable failure) {
        Throwable t = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause()
                : failure;
        if (t instanceof Forbidden) {
            return new Refusal(OpenFailure.FORBIDDEN, "");
        }
        String detail = t.getMessage() != null ? t.getMessage() : t.toString();
        if (t instanceof UnknownHostException) {
            return new Refusal(OpenFailure.UNKNOWN_HOST, OpenFailure.UNKNOWN_HOST.text() + " " + detail);
        }
        if (t instanceof ConnectException) {
            return new Refusal(OpenFailure.CONNECTION_REFUSED, detail);
        }
        return new Refusal(OpenFailure.OTHER, detail);
    }

    /** Not a target of ours. */
    private static final class Forbidden extends Exception {
        Forbidden() {
            super("no -R forward goes there", null, false, false);
        }
    }
}
