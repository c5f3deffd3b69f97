package dev.alknet.core.channel;

import java.util.List;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.ChannelListener;

/**
 * Several channel listeners registered as one. MINA calls a manager's listeners through a reflective proxy, one
 * {@code Method.invoke} per listener and event; the JDK caches one access check per call site, so two listeners of
 * different classes miss it on every call (2-3 % of the server's CPU in a loop of short connections). One registered
 * listener of one class keeps the check cached and halves the reflective calls.
 */
public final class ChannelListenerGroup implements ChannelListener {

    private final List<ChannelListener> members;

    public ChannelListenerGroup(ChannelListener... members) {
        this.members = List.of(members);
    }

    @Override
    public void channelInitialized(Channel channel) {
        for (ChannelListener l : members) {
            l.channelInitialized(channel);
        }
    }

    @Override
    public void channelOpenSuccess(Channel channel) {
        for (ChannelListener l : members) {
            l.channelOpenSuccess(channel);
        }
    }

    @Override
    public void channelOpenFailure(Channel channel, Throwable reason) {
        for (ChannelListener l : members) {
            l.channelOpenFailure(channel, reason);
        }
    }

    @Override
    public void channelStateChanged(Channel channel, String hint) {
        for (ChannelListener l : members) {
            l.channelStateChanged(channel, hint);
        }
    }

    @Override
    public void channelClosed(Channel channel, Throwable reason) {
        for (ChannelListener l : members) {
            l.channelClosed(channel, reason);
        }
    }
}
