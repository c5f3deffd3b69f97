package dev.alknet.transport;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EventLoopsAffinityTest {

    @Test
    void currentIsTheLoopRunningTheCallerAndNullElsewhere() throws Exception {
        assertNull(EventLoops.current());
        for (EventExecutor e : EventLoops.group()) {
            assertSame(e, e.submit(EventLoops::current).get());
        }
    }

    @Test
    void aChannelRegisteredUnderRegisterOnLandsOnThatLoopEveryTime() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Bootstrap b = new Bootstrap().group(EventLoops.group()).channel(EventLoops.socketChannel())
                    .handler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel ch) {
                        }
                    });
            InetSocketAddress to = (InetSocketAddress) server.getLocalSocketAddress();
            for (EventExecutor e : EventLoops.group()) {
                EventLoop loop = (EventLoop) e;
                for (int i = 0; i < 3; i++) {
                    ChannelFuture[] made = new ChannelFuture[1];
                    EventLoops.registerOn(loop, () -> made[0] = b.connect(to));
                    Channel ch = made[0].sync().channel();
                    try (Socket accepted = server.accept()) {
                        assertSame(loop, ch.eventLoop());
                    } finally {
                        ch.close().sync();
                    }
                }
            }
        }
    }
}
