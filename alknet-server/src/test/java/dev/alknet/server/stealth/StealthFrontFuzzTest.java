package dev.alknet.server.stealth;

import static org.junit.jupiter.api.Assertions.assertFalse;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.alknet.stealth.WebFront;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * What a probe can send to a stealth listener: the first-bytes gate and the nginx-like web front behind it,
 * fed arbitrary bytes in arbitrary pieces. No exception reaches the end of the pipeline; a stream that is not
 * SSH is answered by the web front and closed once the peer is done and the deadlines (keep-alive, lingering)
 * have passed. The head parser alone: {@code dev.alknet.stealth.HttpHeadFuzzTest}.
 */
class StealthFrontFuzzTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final WebFront SITE = site();

    private static WebFront site() {
        try {
            Path root = Files.createTempDirectory("alknet-fuzz-site");
            Files.writeString(root.resolve("index.html"), "<html>hello</html>\n");
            Files.createDirectories(root.resolve("sub"));
            Files.writeString(root.resolve("sub/a.txt"), "a\n");
            root.toFile().deleteOnExit();
            return WebFront.site(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stands in for SSH: takes whatever the gate hands over. */
    private static final class SshSink extends ChannelInboundHandlerAdapter {
        boolean attached;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }
    }

    @FuzzTest(maxDuration = "60s")
    void gateAndWebFront(FuzzedDataProvider data) {
        boolean https = data.consumeBoolean();
        boolean plainOnTls = data.consumeBoolean();
        boolean peerFinishes = data.consumeBoolean();
        SshSink ssh = new SshSink();
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.freezeTime();
        ch.config().setAutoRead(false);
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        ch.pipeline().addLast("alknet-stealth", new FirstBytesGate(c -> {
            ssh.attached = true;
            c.pipeline().addLast(ssh);
        }, () -> SITE.handler(https, plainOnTls, TIMEOUT, deadline), deadline));
        try {
            while (data.remainingBytes() > 0 && ch.isOpen()) {
                byte[] piece = data.consumeBytes(data.consumeInt(1, 2048));
                ch.writeInbound(Unpooled.wrappedBuffer(piece));
                ch.runPendingTasks();
                ch.checkException();
                ch.releaseOutbound();
            }
            if (peerFinishes && ch.isOpen()) {
                ch.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
                ch.runPendingTasks();
                ch.checkException();
            }
            if (ssh.attached) {
                return; // SSH's own timeouts apply from here
            }
            // keep-alive 65 s, lingering up to 30 s, send timeout 60 s: all of them past
            for (int i = 0; i < 8 && ch.isOpen(); i++) {
                ch.advanceTimeBy(70, TimeUnit.SECONDS);
                ch.runPendingTasks();
                ch.checkException();
                ch.releaseOutbound();
            }
            assertFalse(ch.isOpen(), "web front still open after every deadline: " + ch.pipeline().names());
        } finally {
            ch.finishAndReleaseAll();
        }
    }
}
