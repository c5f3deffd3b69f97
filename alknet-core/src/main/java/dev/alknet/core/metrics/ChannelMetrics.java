package dev.alknet.core.metrics;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.ChannelListener;

/**
 * Reports SSH channels opening and closing; register on a client or server with {@code addChannelListener}. Only
 * channels reported open are reported closed (MINA may report the close of one that never finished initialising).
 */
public final class ChannelMetrics implements ChannelListener {

    private final Set<Channel> open = ConcurrentHashMap.newKeySet();

    @Override
    public void channelInitialized(Channel channel) {
        if (open.add(channel)) {
            AlknetMetrics.get().channelOpened();
        }
    }

    @Override
    public void channelClosed(Channel channel, Throwable reason) {
        if (open.remove(channel)) {
            AlknetMetrics.get().channelClosed();
        }
    }
}
