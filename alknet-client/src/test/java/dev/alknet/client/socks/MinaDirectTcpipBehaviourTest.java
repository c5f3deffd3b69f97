package dev.alknet.client.socks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelDirectTcpip;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.StreamingChannel;
import org.apache.sshd.common.io.IoReadFuture;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Pins down the MINA 2.20 behaviour the relay is built on, with the async streams of {@link ChannelDirectTcpip}
 * used directly. If an upgrade changes any of this, the relay needs another look.
 */
@Timeout(30)
class MinaDirectTcpipBehaviourTest {

    private static TestSsh stock;
    private static TestSsh halfClose;
    private static SshClient client;

    @BeforeAll
    static void start() throws Exception {
        stock = TestSsh.stockChannels();
        halfClose = TestSsh.halfCloseChannels();
        client = TestSsh.newClient();
    }

    @AfterAll
    static void stop() throws Exception {
        client.stop();
        stock.close();
        halfClose.close();
    }

    @Test
    void asyncInCloseGracefullySendsEofAndKeepsTheChannelOpen() throws Exception {
        AtomicReference<String> targetGot = new AtomicReference<>();
        try (TargetServer target = new TargetServer(s -> {
            targetGot.set(new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII)); // until EOF
            s.getOutputStream().write("after-eof".getBytes(StandardCharsets.US_ASCII));
        }); ClientSession session = stock.connect(client)) {
            ChannelDirectTcpip ch = open(session, target.port());
            ch.getAsyncIn().writeBuffer(new ByteArrayBuffer("ping".getBytes(StandardCharsets.US_ASCII)))
                    .verify(Duration.ofSeconds(5));
            ch.getAsyncIn().close(false).await(Duration.ofSeconds(5));

            assertTrue(ch.isEofSent());
            assertFalse(ch.isClosing(), "closing the output stream must not close the channel");
            Await.until(() -> targetGot.get() != null, Duration.ofSeconds(5), () -> "target saw EOF");
            assertEquals("ping", targetGot.get());
            assertEquals("after-eof", readString(ch)); // the other direction still works
        }
    }

    @Test
    void remoteEofWithoutCloseDoesNotCompleteAPendingRead() throws Exception {
        try (TargetServer target = new TargetServer(s -> {
            s.getOutputStream().write('x');
            s.shutdownOutput(); // HalfCloseTcpipChannel turns this into SSH_MSG_CHANNEL_EOF only
            s.getInputStream().readAllBytes();
        }); ClientSession session = halfClose.connect(client)) {
            ChannelDirectTcpip ch = open(session, target.port());
            assertEquals("x", readString(ch));
            IoReadFuture pending = ch.getAsyncOut().read(new ByteArrayBuffer(1024, false));
            Await.until(ch::isEofSignalled, Duration.ofSeconds(5), () -> "EOF received");
            answered(session); // the EOF was handled to the end: had it completed the read, it would have by now
            assertFalse(pending.isDone(), "MINA does not pass the EOF to ChannelAsyncInputStream");

            ch.getAsyncIn().close(false); // our EOF: the server side has both and closes the channel
            pending.await(Duration.ofSeconds(5));
            assertInstanceOf(EOFException.class, pending.getException(), "only the close ends the read");
        }
    }

    @Test
    void immediateCloseDoesNotTellTheServer() throws Exception {
        try (TargetServer target = new TargetServer(s -> s.getInputStream().read());
                ClientSession session = stock.connect(client)) {
            ChannelDirectTcpip ch = open(session, target.port());
            assertEquals(1, stock.serverChannels());
            ch.close(true).await(Duration.ofSeconds(5));

            // A graceful close after it: once the server has dropped that channel, it has handled whatever
            // the immediate close sent before.
            ChannelDirectTcpip graceful = open(session, target.port());
            graceful.close(false).await(Duration.ofSeconds(5));
            Await.until(() -> !stock.serverHolds(graceful.getRecipient()), Duration.ofSeconds(5),
                    () -> "graceful close reached");
            assertEquals(1, stock.serverChannels(), "no SSH_MSG_CHANNEL_CLOSE was sent");
        } // closing the session cleans up the orphan
    }

    /**
     * A global request the server answers (a failure, as it knows no such request): every message it sent
     * before the answer has been handled here, in order, by then.
     */
    private static void answered(ClientSession session) throws IOException {
        Buffer ping = session.createBuffer(SshConstants.SSH_MSG_GLOBAL_REQUEST);
        ping.putString("ping@alknet.test");
        ping.putBoolean(true);
        session.request("ping@alknet.test", ping, Duration.ofSeconds(10));
    }

    private static ChannelDirectTcpip open(ClientSession session, int port) throws Exception {
        ChannelDirectTcpip ch = session.createDirectTcpipChannel(new SshdSocketAddress("127.0.0.1", 40000),
                new SshdSocketAddress("127.0.0.1", port));
        ch.setStreaming(StreamingChannel.Streaming.Async);
        ch.open().verify(Duration.ofSeconds(5));
        return ch;
    }

    private static String readString(ChannelDirectTcpip ch) throws Exception {
        ByteArrayBuffer buf = new ByteArrayBuffer(1024, false);
        IoReadFuture f = ch.getAsyncOut().read(buf).verify(Duration.ofSeconds(5));
        return new String(buf.array(), buf.rpos(), f.getRead(), StandardCharsets.US_ASCII);
    }
}
