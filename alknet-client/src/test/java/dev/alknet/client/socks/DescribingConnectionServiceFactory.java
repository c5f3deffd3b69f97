package dev.alknet.client.socks;

import dev.alknet.transport.ConnectErrors;
import java.io.IOException;
import java.net.ConnectException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.sshd.common.Service;
import org.apache.sshd.common.SshException;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.ChannelListener;
import org.apache.sshd.common.io.IoWriteFuture;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.session.AbstractServerSession;
import org.apache.sshd.server.session.ServerConnectionService;
import org.apache.sshd.server.session.ServerConnectionServiceFactory;

/**
 * Makes the stock MINA server describe failed dials the way alknet-server will ("connect failed: connection
 * refused"). Stock MINA 2.20 sends every open failure as "Generic error while opening channel: N" and
 * drops the real reason, so without this the SOCKS side cannot tell a refused port from anything else.
 */
final class DescribingConnectionServiceFactory extends ServerConnectionServiceFactory {

    @Override
    public Service create(Session session) throws IOException {
        DescribingService service = new DescribingService((AbstractServerSession) session);
        service.addPortForwardingEventListenerManager(this);
        return service;
    }

    private static final class DescribingService extends ServerConnectionService {

        /** Description per client channel id ("sender"), recorded when the server channel's dial failed. */
        private final Map<Long, String> descriptions = new ConcurrentHashMap<>();

        DescribingService(AbstractServerSession session) throws SshException {
            super(session);
            session.addChannelListener(new ChannelListener() {
                @Override
                public void channelOpenFailure(Channel channel, Throwable reason) {
                    if (reason instanceof ConnectException) {
                        descriptions.put(channel.getRecipient(), "connect failed: " + ConnectErrors.reason(reason));
                    }
                }
            });
        }

        @Override
        protected IoWriteFuture sendChannelOpenFailure(Buffer buffer, long sender, int reasonCode, String message,
                String lang) throws IOException {
            String described = descriptions.remove(sender);
            return super.sendChannelOpenFailure(buffer, sender, reasonCode, described != null ? described : message,
                    lang);
        }
    }
}
