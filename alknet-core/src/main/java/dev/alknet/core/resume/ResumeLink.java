package dev.alknet.core.resume;

import dev.alknet.core.bridge.ChannelIoSession;
import dev.alknet.transport.resume.ResumableStream;
import io.netty.channel.Channel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ties an SSH session's {@link ChannelIoSession} to the resumable stream under it: a lost carrier parks the
 * session, a resumed one carries it on, a failed resume closes it (the ordinary reconnect takes over), and
 * the session's end frees the stream.
 */
public final class ResumeLink implements ResumableStream.Owner {

    /** IoSession attribute holding the stream (absent when the peer did not negotiate a resumable carrier). */
    public static final Object KEY = ResumableStream.class;
    private static final Logger LOG = LoggerFactory.getLogger(ResumeLink.class);

    private final ChannelIoSession session;
    private final Runnable onLost;

    private ResumeLink(ChannelIoSession session, Runnable onLost) {
        this.session = session;
        this.onLost = onLost;
    }

    /**
     * Links the stream the first carrier negotiated, if any.
     *
     * @param onLost what to do when the carrier is lost (client: dial a resume; server: nothing, wait)
     */
    public static ResumableStream link(ChannelIoSession session, Channel firstCarrier,
            java.util.function.Function<ResumableStream, Runnable> onLost) {
        ResumableStream stream = firstCarrier.attr(ResumableStream.ATTR).getAndSet(null);
        if (stream == null) {
            return null;
        }
        session.setAttribute(KEY, stream);
        stream.owner(new ResumeLink(session, onLost.apply(stream)));
        session.onClose(stream::end);
        if (session.isClosing()) {
            stream.end();
        }
        return stream;
    }

    public static ResumableStream of(org.apache.sshd.common.io.IoSession session) {
        return session == null ? null : (ResumableStream) session.getAttribute(KEY);
    }

    @Override
    public void carrierLost() {
        session.park();
        onLost.run();
    }

    @Override
    public void resumedOn(Channel carrier) {
        session.unpark(carrier);
    }

    @Override
    public void resumeFailed(String why) {
        LOG.info("closing session {}: {}", session, why);
        session.close(true);
    }
}
