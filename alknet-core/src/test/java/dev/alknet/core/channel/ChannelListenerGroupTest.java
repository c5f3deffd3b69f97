package dev.alknet.core.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.ChannelListener;
import org.junit.jupiter.api.Test;

class ChannelListenerGroupTest {

    @Test
    void everyEventReachesEveryMemberInOrder() {
        List<String> seen = new ArrayList<>();
        ChannelListenerGroup group = new ChannelListenerGroup(recorder("a", seen), recorder("b", seen));
        Exception why = new Exception("why");

        group.channelInitialized(null);
        group.channelOpenSuccess(null);
        group.channelOpenFailure(null, why);
        group.channelStateChanged(null, "hint");
        group.channelClosed(null, why);

        assertEquals(List.of("a init", "b init", "a open", "b open", "a failed why", "b failed why", "a state hint",
                "b state hint", "a closed why", "b closed why"), seen);
    }

    private static ChannelListener recorder(String name, List<String> seen) {
        return new ChannelListener() {
            @Override
            public void channelInitialized(Channel channel) {
                seen.add(name + " init");
            }

            @Override
            public void channelOpenSuccess(Channel channel) {
                seen.add(name + " open");
            }

            @Override
            public void channelOpenFailure(Channel channel, Throwable reason) {
                seen.add(name + " failed " + reason.getMessage());
            }

            @Override
            public void channelStateChanged(Channel channel, String hint) {
                seen.add(name + " state " + hint);
            }

            @Override
            public void channelClosed(Channel channel, Throwable reason) {
                seen.add(name + " closed " + reason.getMessage());
            }
        };
    }
}
