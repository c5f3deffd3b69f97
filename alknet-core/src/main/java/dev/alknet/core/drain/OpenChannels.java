package dev.alknet.core.drain;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.ChannelListener;

/**
 * Counts the SSH channels of a client or server that are not closed yet, i.e. the streams a drain waits for.
 * Register with {@code manager.addChannelListener(...)}. A set rather than a counter: MINA may report the
 * close of a channel that never finished initialising, which must not drive the count below zero.
 */
public final class OpenChannels implements ChannelListener {

    private final Set<Channel> open = ConcurrentHashMap.newKeySet();

    @Override
    public void channelInitialized(Channel channel) {
        open.add(channel);
    }

    @Override
    public void channelClosed(Channel channel, Throwable reason) {
        open.remove(channel);
    }

    public int count() {
        open.removeIf(Channel::isClosed); // closed with its session before the listener was told
        return open.size();
    }
}
