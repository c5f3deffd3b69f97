package dev.alknet.core.channel;

import dev.alknet.core.open.OpenFailureMessage;
import java.io.IOException;
import java.util.Collections;
import java.util.List;
import org.apache.sshd.client.future.DefaultOpenFuture;
import org.apache.sshd.client.future.OpenFuture;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.helpers.AbstractConnectionService;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.channel.AbstractServerChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --max-channels}: a channel open beyond the session's limit is refused with
 * {@code SSH_OPEN_RESOURCE_SHORTAGE} (a SOCKS client gets 0x01) and the session carries on. MINA's own limit
 * ({@code MAX_CONCURRENT_CHANNELS}) throws inside the open instead, which closes the whole session with every
 * stream on it; it is set out of reach (AlknetServer).
 */
public final class ChannelLimit implements ChannelFactory {

    private static final Logger LOG = LoggerFactory.getLogger(ChannelLimit.class);

    private final ChannelFactory inner;
    private final int max;

    private ChannelLimit(ChannelFactory inner, int max) {
        this.inner = inner;
        this.max = max;
    }

    /** {@code factories}, each held to {@code max} channels per session. */
    public static List<ChannelFactory> each(List<? extends ChannelFactory> factories, int max) {
        return factories.stream().<ChannelFactory>map(f -> new ChannelLimit(f, max)).toList();
    }

    @Override
    public String getName() {
        return inner.getName();
    }

    @Override
    public Channel createChannel(Session session) throws IOException {
        ConnectionService service = session.getService(ConnectionService.class);
        int open = service instanceof AbstractConnectionService s ? s.getChannels().size() : 0;
        if (open < max) {
            Channel c = inner.createChannel(session);
            if (c != null) {
                InitialWindows.size(c, open);
            }
            return c;
        }
        LOG.debug("{}: {} channels open, refusing another {}", session, open, inner.getName());
        return new Refused("too many streams on this connection (server limit " + max + ")");
    }

    /** Answers its open with the failure and is gone; it never carries data. */
    private static final class Refused extends AbstractServerChannel {

        private final String why;

        Refused(String why) {
            super("", Collections.emptyList(), null);
            this.why = why;
        }

        @Override
        protected OpenFuture doInit(Buffer buffer) {
            // left pending, as in DialedChannel.refuse: a failed future would make MINA send a second failure
            OpenFuture pending = new DefaultOpenFuture(this, futureLock);
            close(true);
            try {
                OpenFailureMessage.send(this, SshConstants.SSH_OPEN_RESOURCE_SHORTAGE, why);
            } catch (IOException | RuntimeException e) {
                LOG.debug("{} could not send open failure", this, e);
            }
            return pending;
        }

        @Override
        protected void doWriteData(byte[] data, int off, long len) throws IOException {
            throw new IOException("refused channel");
        }

        @Override
        protected void doWriteExtendedData(byte[] data, int off, long len) throws IOException {
            throw new IOException("refused channel");
        }
    }
}
