package dev.alknet.server.dial;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.alknet.testkit.Await;
import dev.alknet.testkit.Plateau;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.future.OpenFuture;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.exception.SshChannelOpenException;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.forward.RejectAllForwardingFilter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** End to end: MINA client → MINA server with {@link DirectTcpipChannelFactory} → real TCP target, all on loopback. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DialedTcpipChannelTest {

    private static final int MIB = 1 << 20;
    private static final long REKEY_BYTES = 8L * MIB;

    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    private SshFixture ssh(DestinationPolicy policy) throws Exception {
        return ssh(policy, CoreModuleProperties.DEFAULT_WINDOW_SIZE);
    }

    private SshFixture ssh(DestinationPolicy policy, long serverWindow) throws Exception {
        SshFixture f = new SshFixture(new DirectTcpipChannelFactory(new DirectDialer(), policy), s -> {
            CoreModuleProperties.REKEY_BYTES_LIMIT.set(s, REKEY_BYTES);
            CoreModuleProperties.WINDOW_SIZE.set(s, serverWindow);
        });
        resources.add(f);
        return f;
    }

    private TestTarget target(TestTarget.Handler handler, int receiveBuffer) throws IOException {
        TestTarget t = new TestTarget(handler, receiveBuffer);
        resources.add(t);
        return t;
    }

    @Test
    void clientEofReachesTargetAfterAllDataAndTargetStillAnswersAcrossRekeys() throws Exception {
        byte[] upload = random(32 * MIB, 1);
        byte[] answer = random(32 * MIB, 2);
        CompletableFuture<byte[]> received = new CompletableFuture<>();
        CompletableFuture<Void> eofAtServer = new CompletableFuture<>();
        TestTarget target = target(socket -> {
            // Pausing before the tail until the client's EOF is at the server, while megabytes still sit in the
            // server's outbound queue: an early shutdownOutput() would discard them.
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            InputStream in = socket.getInputStream();
            md.update(in.readNBytes(20 * MIB));
            eofAtServer.get(20, TimeUnit.SECONDS);
            received.complete(sha256(md, in, 64 * MIB)); // returns at FIN only
            OutputStream out = socket.getOutputStream();
            out.write(answer);
            out.flush();
        }, 64 * 1024);
        SshFixture ssh = ssh(DestinationPolicy.ALLOW_ALL, 16L * MIB);

        EofAwareDirectTcpip ch = ssh.open("127.0.0.1", target.port());
        CompletableFuture<byte[]> download = readAsync(ch);
        ch.send(upload, 256 * 1024, null);
        ch.halfClose();
        Await.await(ssh::serverHadEof, Duration.ofSeconds(20), "the client's EOF at the server");
        eofAtServer.complete(null);

        assertArrayEquals(sha256(upload), received.get(20, TimeUnit.SECONDS), "upload digest");
        assertArrayEquals(sha256(answer), download.get(20, TimeUnit.SECONDS), "answer digest");
        assertClosed(ch);
        assertTrue(ssh.serverKexCompleted.get() >= 4, "re-keyed during transfer: " + ssh.serverKexCompleted);
        assertNull(target.failure.get());
    }

    @Test
    void targetHalfCloseArrivesAfterAllDataAndTargetStillReadsAcrossRekeys() throws Exception {
        byte[] download = random(32 * MIB, 3);
        byte[] upload = random(8 * MIB, 4);
        CompletableFuture<byte[]> received = new CompletableFuture<>();
        TestTarget target = target(socket -> {
            OutputStream out = socket.getOutputStream();
            out.write(download);
            out.flush();
            socket.shutdownOutput();
            received.complete(sha256(socket.getInputStream(), 64 * MIB));
        }, 0);
        SshFixture ssh = ssh(DestinationPolicy.ALLOW_ALL);

        EofAwareDirectTcpip ch = ssh.open("127.0.0.1", target.port());
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        assertEquals(download.length, ch.readToEof(md));
        assertArrayEquals(sha256(download), md.digest(), "download digest");
        assertTrue(ch.isOpen(), "half-closed, not closed");

        ch.send(upload, 256 * 1024, null);
        ch.halfClose();
        assertArrayEquals(sha256(upload), received.get(20, TimeUnit.SECONDS), "upload digest");
        assertClosed(ch);
        assertTrue(ssh.serverKexCompleted.get() >= 3, "re-keyed during transfer: " + ssh.serverKexCompleted);
    }

    @Test
    void slowDestinationStallsTheClientInsteadOfBufferingOnTheServer() throws Exception {
        byte[] upload = random(64 * MIB, 5);
        CompletableFuture<Void> startReading = new CompletableFuture<>();
        CompletableFuture<byte[]> received = new CompletableFuture<>();
        TestTarget target = target(socket -> {
            startReading.get(15, TimeUnit.SECONDS);
            received.complete(sha256(socket.getInputStream(), 128 * MIB));
        }, 64 * 1024);
        SshFixture ssh = ssh(DestinationPolicy.ALLOW_ALL);

        EofAwareDirectTcpip ch = ssh.open("127.0.0.1", target.port());
        AtomicLong accepted = new AtomicLong();
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try {
                ch.send(upload, 256 * 1024, accepted);
                ch.halfClose();
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        long plateau = Plateau.await(accepted::get, Duration.ofSeconds(2), Duration.ofMillis(500),
                Duration.ofSeconds(10), "client writes never stalled; accepted");
        // Bounded by the server's 2 MiB channel window plus kernel socket buffers, far below 64 MiB.
        assertTrue(plateau < 16L * MIB, "client pushed " + plateau + " bytes into a destination that reads nothing");

        startReading.complete(null);
        writer.get(20, TimeUnit.SECONDS);
        assertArrayEquals(sha256(upload), received.get(20, TimeUnit.SECONDS));
    }

    @Test
    void destinationResetClosesTheChannel() throws Exception {
        TestTarget target = target(socket -> {
            socket.getInputStream().readNBytes(5);
            socket.setSoLinger(true, 0); // close() now sends RST
        }, 0);
        EofAwareDirectTcpip ch = ssh(DestinationPolicy.ALLOW_ALL).open("127.0.0.1", target.port());
        ch.send("hello".getBytes(StandardCharsets.US_ASCII), 1024, null);
        assertClosed(ch);
    }

    @Test
    void channelCloseAndSessionLossCloseTheDestination() throws Exception {
        List<CompletableFuture<Integer>> endOfStream = List.of(new CompletableFuture<>(), new CompletableFuture<>());
        AtomicLong connections = new AtomicLong();
        TestTarget target = target(socket -> {
            CompletableFuture<Integer> mine = endOfStream.get((int) connections.getAndIncrement());
            mine.complete(socket.getInputStream().read()); // -1 once the server closes the socket
        }, 0);
        SshFixture ssh = ssh(DestinationPolicy.ALLOW_ALL);
        EofAwareDirectTcpip first = ssh.open("127.0.0.1", target.port());
        first.close(false);
        assertEquals(-1, endOfStream.get(0).get(10, TimeUnit.SECONDS));

        ssh.open("127.0.0.1", target.port());
        ssh.session.close(true);
        assertEquals(-1, endOfStream.get(1).get(10, TimeUnit.SECONDS));
    }

    @Test
    void refusedConnectionIsReportedAsConnectFailed() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        SshChannelOpenException e = openFailure(ssh(DestinationPolicy.ALLOW_ALL), "127.0.0.1", closedPort);
        assertEquals(SshConstants.SSH_OPEN_CONNECT_FAILED, e.getReasonCode());
        assertEquals("connect failed: connection refused", e.getMessage());
    }

    @Test
    void unresolvableNameIsReportedAsUnknownHost() throws Exception {
        SshChannelOpenException e = openFailure(ssh(DestinationPolicy.ALLOW_ALL), "nothing.invalid", 80);
        assertEquals(SshConstants.SSH_OPEN_CONNECT_FAILED, e.getReasonCode());
        assertEquals("connect failed: unknown host nothing.invalid", e.getMessage());
    }

    @Test
    void destinationPolicyDenialIsAdministrativelyProhibited() throws Exception {
        SshFixture ssh = ssh((host, port, session) -> !host.equals("127.0.0.1"));
        SshChannelOpenException e = openFailure(ssh, "127.0.0.1", 9);
        assertEquals(SshConstants.SSH_OPEN_ADMINISTRATIVELY_PROHIBITED, e.getReasonCode());
        assertEquals("forbidden by server policy", e.getMessage());
        // The session survives a refused open: no duplicate OPEN_FAILURE confused the client.
        assertTrue(ssh.session.isOpen());
        assertEquals(0, ssh.serverChannels());
    }

    @Test
    void serversForwardingFilterIsHonoured() throws Exception {
        SshFixture ssh = new SshFixture(new DirectTcpipChannelFactory(new DirectDialer()),
                s -> s.setForwardingFilter(RejectAllForwardingFilter.INSTANCE));
        resources.add(ssh);
        SshChannelOpenException e = openFailure(ssh, "127.0.0.1", 9);
        assertEquals(SshConstants.SSH_OPEN_ADMINISTRATIVELY_PROHIBITED, e.getReasonCode());
    }

    @Test
    void hundredConcurrentOpensAllCompleteAndCleanUp() throws Exception {
        TestTarget echo = target(socket -> socket.getInputStream().transferTo(socket.getOutputStream()), 0);
        SshFixture ssh = ssh(DestinationPolicy.ALLOW_ALL);
        List<EofAwareDirectTcpip> channels = new ArrayList<>();
        List<OpenFuture> opens = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            EofAwareDirectTcpip ch = ssh.channel("localhost", echo.port());
            channels.add(ch);
            opens.add(ch.open());
        }
        for (OpenFuture f : opens) {
            f.verify(SshFixture.TIMEOUT);
        }
        List<CompletableFuture<byte[]>> replies = new ArrayList<>();
        for (int i = 0; i < channels.size(); i++) {
            EofAwareDirectTcpip ch = channels.get(i);
            replies.add(readAsync(ch));
            ch.send(("hello " + i).getBytes(StandardCharsets.US_ASCII), 1024, null);
            ch.halfClose();
        }
        for (int i = 0; i < channels.size(); i++) {
            assertArrayEquals(sha256(("hello " + i).getBytes(StandardCharsets.US_ASCII)),
                    replies.get(i).get(10, TimeUnit.SECONDS));
            assertClosed(channels.get(i));
        }
        Await.await(() -> ssh.serverChannels() == 0, Duration.ofSeconds(5), () -> "server channels left open: "
                + ssh.serverChannels());
        assertEquals(0, ssh.serverChannels(), "server channels left open");
    }

    private static SshChannelOpenException openFailure(SshFixture ssh, String host, int port) throws Exception {
        EofAwareDirectTcpip ch = ssh.channel(host, port);
        OpenFuture f = ch.open();
        assertTrue(f.await(SshFixture.TIMEOUT), "open answered");
        if (f.getException() instanceof SshChannelOpenException e) {
            return e;
        }
        return fail("expected SshChannelOpenException, got " + f.getException());
    }

    private static void assertClosed(EofAwareDirectTcpip ch) {
        var state = ch.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), Duration.ofSeconds(10));
        assertTrue(state.contains(ClientChannelEvent.CLOSED), "channel closed, state " + state);
    }

    private static CompletableFuture<byte[]> readAsync(EofAwareDirectTcpip ch) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                MessageDigest md = MessageDigest.getInstance("SHA-256");
                ch.readToEof(md);
                return md.digest();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
    }

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static byte[] sha256(byte[] data) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(data);
    }

    /** Reads to EOF (at most {@code limit} bytes, as a guard) and returns the digest. */
    private static byte[] sha256(InputStream in, long limit) throws Exception {
        return sha256(MessageDigest.getInstance("SHA-256"), in, limit);
    }

    private static byte[] sha256(MessageDigest md, InputStream in, long limit) throws Exception {
        byte[] buf = new byte[64 * 1024];
        long total = 0;
        for (int n; (n = in.read(buf)) >= 0 && total <= limit; total += n) {
            md.update(buf, 0, n);
        }
        return md.digest();
    }
}
