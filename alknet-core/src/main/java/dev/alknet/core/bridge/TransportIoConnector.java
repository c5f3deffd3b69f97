package dev.alknet.core.bridge;

import dev.alknet.transport.Endpoint;
import dev.alknet.transport.Transport;
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

    private final Transport transport;
    private final IoHandler handler;

    public TransportIoConnector(Transport transport, IoHandler handler) {
        this.transport = transport;
        this.handler = handler;
    }

    @Override
    public IoConnectFuture connect(SocketAddress target, AttributeRepository context, SocketAddress local) {
        InetSocketAddress t = (InetSocketAddress) target;
        Endpoint endpoint = new Endpoint(transport.scheme(), t.getHostString(), t.getPort());
        DefaultIoConnectFuture future = new DefaultIoConnectFuture(endpoint, null);
        transport.connect(endpoint).whenComplete((stream, failure) -> {
            if (failure != null) {
                future.setException(failure instanceof java.util.concurrent.CompletionException
                        ? failure.getCause() : failure);
                return;
            }
            if (future.isCanceled()) {
                stream.close();
                return;
            }
            try {
                future.setSession(ChannelIoSession.attach(stream, handler, this, null));
            } catch (Exception e) {
                stream.close();
                future.setException(e);
            }
        });
        return future;
    }
}
