package dev.alknet.client.socks;

import static org.junit.jupiter.api.Assertions.assertFalse;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.alknet.client.SessionProvider;
import dev.alknet.client.TunnelDownException;
import dev.alknet.client.socks.auth.SocksCredentials;
import dev.alknet.client.socks.udp.UdpCounters;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The SOCKS port's real pipeline (sniffer, SOCKS5 with and without RFC 1929, SOCKS4/4a, HTTP CONNECT and
 * plain HTTP) fed arbitrary bytes in arbitrary pieces. The tunnel is down (the open fails at once) or hangs
 * (the open times out). Whatever the bytes: no exception reaches the end of the pipeline, and once the peer
 * has finished and every deadline has passed, the connection is closed — nothing is held forever.
 */
class SocksPortFuzzTest {

    private static final InetSocketAddress LOCAL = new InetSocketAddress(InetAddress.getLoopbackAddress(), 1080);
    private static final InetSocketAddress PEER = new InetSocketAddress(InetAddress.getLoopbackAddress(), 40000);
    private static final SocksOptions OPEN = SocksOptions.defaults();
    private static final SocksOptions GUARDED = SocksOptions.defaults()
            .withCredentials(SocksCredentials.of("alk", "s3cret".getBytes(StandardCharsets.US_ASCII)));

    /** A connection accepted on loopback: the handlers read its addresses (UDP ASSOCIATE, originator). */
    private static final class Accepted extends EmbeddedChannel {
        @Override
        protected SocketAddress localAddress0() {
            return isActive() ? LOCAL : null;
        }

        @Override
        protected SocketAddress remoteAddress0() {
            return isActive() ? PEER : null;
        }
    }

    @FuzzTest(maxDuration = "60s")
    void arbitraryBytes(FuzzedDataProvider data) {
        boolean guarded = data.consumeBoolean();
        boolean hanging = data.consumeBoolean();
        boolean peerFinishes = data.consumeBoolean();
        SessionProvider sessions = hanging ? CompletableFuture::new
                : () -> CompletableFuture.failedFuture(new TunnelDownException("tunnel down (fuzz)"));
        SocksOptions options = guarded ? GUARDED : OPEN;
        AtomicInteger relays = new AtomicInteger();
        SocksContext context = new SocksContext(sessions, options, relays, new UdpCounters(),
                new TunnelUpstream(sessions, options.openTimeout(), relays));
        ChannelGroup group = new DefaultChannelGroup(ImmediateEventExecutor.INSTANCE);

        Accepted ch = new Accepted();
        ch.freezeTime();
        ch.config().setAutoRead(false);
        ch.pipeline().addLast(new SocksServerInitializer(context, group));
        ch.pipeline().fireChannelActive();
        try {
            while (data.remainingBytes() > 0 && ch.isOpen()) {
                byte[] piece = data.consumeBytes(data.consumeInt(1, 512));
                ch.writeInbound(Unpooled.wrappedBuffer(piece));
                ch.runPendingTasks();
                ch.checkException();
                ch.releaseOutbound();
                ch.releaseInbound();
            }
            if (peerFinishes && ch.isOpen()) {
                ch.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
                ch.runPendingTasks();
                ch.checkException();
            }
            // past the handshake and open deadlines (10 s and 30 s)
            for (int i = 0; i < 4 && ch.isOpen(); i++) {
                ch.advanceTimeBy(31, TimeUnit.SECONDS);
                ch.runPendingTasks();
                ch.checkException();
            }
            ch.releaseOutbound();
            ch.releaseInbound();
            assertFalse(ch.isOpen(), "connection still open after every deadline: " + ch.pipeline().names());
        } finally {
            ch.finishAndReleaseAll();
        }
    }
}
