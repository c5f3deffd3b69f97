package dev.alknet.core.channel;

import java.util.Objects;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.session.Session;

/** MINA's factory for one channel type served by {@link DialedChannel}s with the given {@link Dial}. */
public class DialedChannelFactory implements ChannelFactory {

    private final String name;
    private final Dial dial;

    public DialedChannelFactory(String name, Dial dial) {
        this.name = Objects.requireNonNull(name, "name");
        this.dial = Objects.requireNonNull(dial, "dial");
    }

    @Override
    public final String getName() {
        return name;
    }

    @Override
    public final Channel createChannel(Session session) {
        return new DialedChannel(dial);
    }
}
