package dev.alknet.core.bridge;

import dev.alknet.transport.Endpoint;
import dev.alknet.transport.EventLoops;
import dev.alknet.transport.Transport;
import dev.alknet.core.resume.ResumeLink;
import dev.alknet.transport.resume.CarrierAddressWatch;
import dev.alknet.transport.resume.ClientNegotiation;
import dev.alknet.transport.resume.ResumableStream;
import dev.alknet.transport.resume.ResumeDialer;
import io.netty.channel.Channel;
import java.time.Duration;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.io.DefaultIoConnectFuture;
import org.apache.sshd.common.io.IoConnectFuture;
import org.apache.sshd.common.io.IoConnector;
import org.apache.sshd.common.io.IoHandler;

/**
 * MINA's client-side connector, dialling through an alknet {@link Transport} instead of a plain socket.
 * Only the SSH session uses it: port-forward sockets keep MINA's own NIO2 back-end.
 */
public final class TransportIoConnector extends BridgeIoService implements IoConnector {

    /** How long the client keeps trying to resume; the server's own grace decides in the end. */
    public static final Duration CLIENT_GRACE = Duration.ofSeconds(Long.getLong("alknet.resume.clientGraceSeconds", 60));

    private final Transport transport;
    private final IoHandler handler;

    private final boolean resumable;
    private final Duration grace;
    private final ResumeCarriers carriers;

    /** @param resumable offer a resumable carrier (the client identification must carry the mark) */
    public TransportIoConnector(Transport transport, IoHandler handler, boolean resumable) {
        this(transport, handler, resumable, CLIENT_GRACE);
    }

    /** @param grace how long a lost carrier is retried before the session is given up */
    public TransportIoConnector(Transport transport, IoHandler handler, boolean resumable, Duration grace) {
        this(transport, handler, resumable, grace, new ResumeCarriers());
    }

    /** @param carriers other ways to the server a resume may take (see {@link ResumeCarriers}) */
    public TransportIoConnector(Transport transport, IoHandler handler, boolean resumable, Duration grace,
            ResumeCarriers carriers) {
        this.carriers = carriers;
        this.transport = transport;
        this.handler = handler;
        this.resumable = resumable;
        this.grace = grace;
    }

    @Override
    public IoConnectFuture connect(SocketAddress target, AttributeRepository context, SocketAddress local) {
        InetSocketAddress t = (InetSocketAddress) target;
        Endpoint endpoint = new Endpoint(transport.scheme(), t.getHostString(), t.getPort());
        DefaultIoConnectFuture future = new DefaultIoConnectFuture(endpoint, null);
        long started = System.nanoTime();
        transport.connect(endpoint).whenComplete((stream, failure) -> {
            if (failure != null) {
                future.setException(failure instanceof java.util.concurrent.CompletionException
                        ? failure.getCause() : failure);
                return;
            }
            long setup = System.nanoTime() - started;
            EventLoops.runOnLoop(stream, () -> attach(stream, endpoint, future, setup)); // one task: see ReadGate
        });
        return future;
    }

    private void attach(Channel stream, Endpoint endpoint, DefaultIoConnectFuture future, long setupNanos) {
        if (future.isCanceled()) {
            stream.close();
            return;
        }
        try {
            if (resumable) {
                ResumableStream rs = new ResumableStream(ResumableStream.Settings.defaults(grace));
                rs.carrierSetUp(setupNanos); // the yardstick of a resume attempt's deadline
                stream.attr(ResumableStream.ATTR).set(rs);
                stream.pipeline().addLast(ClientNegotiation.NAME, new ClientNegotiation(rs));
            }
            ChannelIoSession session = ChannelIoSession.attach(stream, handler, this, null);
            ResumeCarriers.Carrier own = new ResumeCarriers.Carrier(transport, endpoint);
            java.util.concurrent.atomic.AtomicInteger preferred = new java.util.concurrent.atomic.AtomicInteger();
            ResumableStream linked = ResumeLink.link(session, stream,
                    rs -> () -> new ResumeDialer(rs, carriers.dials(own, preferred)).start());
            if (linked != null) {
                CarrierAddressWatch.start(linked);
            }
            future.setSession(session);
        } catch (Exception e) {
            stream.close();
            future.setException(e);
        }
    }
}
