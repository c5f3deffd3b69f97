package dev.alknet.core.channel;

import dev.alknet.core.open.OpenFailure;
import dev.alknet.core.open.OpenFailureMessage;
import dev.alknet.core.ssh.SshSession;
import io.netty.channel.Channel;
import java.io.IOException;
import java.util.Collections;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.sshd.client.future.DefaultOpenFuture;
import org.apache.sshd.client.future.OpenFuture;
import org.apache.sshd.common.Closeable;
import org.apache.sshd.common.forward.ForwardingTunnelEndpointsProvider;
import org.apache.sshd.common.io.IoWriteFuture;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.apache.sshd.server.channel.AbstractServerChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The accepting side of one channel that the peer opened to reach a TCP destination: the server's
 * {@code direct-tcpip} (RFC 4254 §7.2) and the client's {@code forwarded-tcpip} ({@code -R}, §7.1), which differ only
 * in their {@link Dial}. The open is confirmed only once the destination TCP connection stands; a failure is answered
 * with SSH_MSG_CHANNEL_OPEN_FAILURE carrying the reason text.
 *
 * <p>Threads: {@code doInit}, {@code doWriteData}, {@code handleEof}, {@code handleWindowAdjust} and
 * {@code handleClose} run on the SSH session's reader thread; the relay runs on the destination's event loop, with
 * the same two halves as the client's ({@link SocketToChannel}, {@link ChannelToSocket}, data path
 * {@link RelayInbox}); this channel owns their ending. The channel closes once both directions have ended (EOF
 * sent and received, FIN sent and received), or at once on a destination error.
 */
public final class DialedChannel extends AbstractServerChannel implements ForwardingTunnelEndpointsProvider {

    private static final Logger LOG = LoggerFactory.getLogger(DialedChannel.class);
    private static final int BOTH_DIRECTIONS = 2;

    private final Dial dial;
    private final AtomicInteger directionsDone = new AtomicInteger();
    /** The destination's bytes and EOF all went into the channel: the socket has nothing more to give. */
    private volatile boolean destinationDrained;
    private volatile SshdSocketAddress destination;
    private volatile SshdSocketAddress originator;
    private volatile ChannelDataWriter toClient;
    private volatile DestinationSocket socket;
    private volatile CompletableFuture<Channel> pendingDial;
    private final RelayInbox inbox = new RelayInbox(this, this::sendWindowAdjust);

    public DialedChannel(Dial dial) {
        super("", Collections.emptyList(), null);
        this.dial = Objects.requireNonNull(dial, "dial");
    }

    /** The destination the peer asked for. */
    @Override
    public SshdSocketAddress getTunnelEntrance() {
        return destination;
    }

    @Override
    public SshdSocketAddress getTunnelExit() {
        return destination;
    }

    /** The originator address and port as claimed by the peer (informational only). */
    public SshdSocketAddress getOriginator() {
        return originator;
    }

    @Override
    protected OpenFuture doInit(Buffer buffer) {
        String host = buffer.getString();
        long port = buffer.getUInt();
        String originatorHost = buffer.getString();
        long originatorPort = buffer.getUInt();
        OpenFuture opened = new DefaultOpenFuture(this, futureLock);
        if (port > 0 && port <= 65535) {
            destination = new SshdSocketAddress(host, (int) port);
            originator = new SshdSocketAddress(originatorHost, (int) Math.min(originatorPort, 65535));
            LOG.debug("{} open to {} port {}", this, host, port);
        }
        CompletableFuture<Channel> pending;
        try {
            pending = dial.dial(SshSession.of(getSession()), host, port);
        } catch (RuntimeException e) { // a throwing dial must cost one channel, not the session
            pending = CompletableFuture.failedFuture(e);
        }
        pendingDial = pending;
        pending.whenComplete((ch, err) -> {
            if (isClosing()) { // session gone or dial cancelled by close: nobody to answer
                if (ch != null) {
                    ch.close();
                }
            } else if (err != null) {
                refuse(dial.refusal(err));
            } else {
                ch.eventLoop().execute(() -> connected(ch, opened));
            }
        });
        return opened;
    }

    /** On the destination's event loop: wire the relay, then confirm the open, then start reading. */
    private void connected(Channel ch, OpenFuture opened) {
        if (isClosing() || !ch.isActive()) {
            ch.close();
            if (!isClosing()) {
                refuse(new Dial.Refusal(OpenFailure.OTHER, "connection closed"));
            }
            return;
        }
        DestinationSocket dest = new DestinationSocket(ch, inbox.receiveWindow());
        toClient = new ChannelDataWriter(this, ch.eventLoop());
        RelayEvents events = new RelayEvents();
        inbox.attach(new ChannelToSocket(dest.outbound(), () -> destinationDrained, events), toClient);
        socket = dest;
        if (isClosing()) { // a close that started before socket was visible would not close it
            ch.close();
            return;
        }
        SocketToChannel relay = new SocketToChannel(toClient, events);
        ch.pipeline().addLast("direct-tcpip", relay);
        try {
            signalChannelOpenSuccess(); // MINA's listener writes SSH_MSG_CHANNEL_OPEN_CONFIRMATION here
            opened.setOpened();
        } catch (RuntimeException e) {
            LOG.debug("{} open confirmation failed", this, e);
            signalChannelOpenFailure(e);
            ch.close();
            close(true);
            return;
        } finally {
            notifyStateChanged("connected");
        }
        LOG.debug("{} connected", this);
        ch.eventLoop().execute(relay::start); // after SSH_MSG_CHANNEL_OPEN_CONFIRMATION was queued
    }

    /**
     * Answers the open with a failure. The OpenFuture is deliberately left pending: completing it exceptionally would
     * make MINA send a second OPEN_FAILURE (with a generic description) for the same channel. The channel is
     * unregistered first so the server's state is settled by the time the client learns of the failure.
     */
    private void refuse(Dial.Refusal refusal) {
        int reasonCode = refusal.reason().sshReason();
        String description = refusal.reason().description(refusal.detail());
        LOG.debug("{} open refused ({}): {}", this, reasonCode, description);
        signalChannelOpenFailure(new IOException(description));
        notifyStateChanged("open-failure");
        close(true);
        try {
            OpenFailureMessage.send(this, reasonCode, description);
        } catch (IOException | RuntimeException e) {
            LOG.debug("{} could not send open failure", this, e);
        }
    }

    @Override
    protected void doWriteData(byte[] data, int off, long len) throws IOException {
        DestinationSocket dest = socket;
        if (dest == null) {
            throw new IOException("data before channel open");
        }
        // The window is released only once the destination took the bytes (in batches, see ReceiveWindow):
        // a slow destination throttles the client.
        inbox.data(data, off, len);
    }

    @Override
    protected void doWriteExtendedData(byte[] data, int off, long len) {
        // direct-tcpip has no extended data (RFC 4254 §7.2); drop it but keep the window accounting right.
        LOG.debug("{} ignoring {} bytes of extended data", this, len);
        inbox.dropExtendedData(len);
    }

    /** Our own window accounting instead of MINA's (ReceiveWindow: batched credit, grown on long fat links). */
    @Override
    protected long validateIncomingDataSize(int cmd, long len) throws IOException {
        return inbox.consume(len);
    }

    @Override
    public void handleEof() throws IOException {
        super.handleEof();
        if (socket != null) {
            inbox.eof(); // the destination's output ends after the last write: RelayEvents.outputEnded
        }
    }

    @Override
    public void handleWindowAdjust(Buffer buffer) throws IOException {
        super.handleWindowAdjust(buffer);
        inbox.windowExpanded();
    }

    @Override
    public void handleClose() throws IOException {
        // The peer will accept nothing more: abandon a write waiting for window space instead of waiting forever.
        ChannelDataWriter out = toClient;
        if (out != null) {
            out.close(true);
        }
        super.handleClose();
    }

    @Override
    protected boolean mayWrite() {
        // A graceful close must still be able to flush toClient.
        return !isClosed();
    }

    @Override
    protected void preClose() {
        CompletableFuture<Channel> pending = pendingDial;
        if (pending != null) {
            pending.cancel(false); // the dial closes a connection still in progress
        }
        inbox.close(); // the window's growth goes back to the session's budget
        super.preClose();
    }

    @Override
    protected Closeable getInnerCloseable() {
        return builder()
                .close(toClient)
                .close(super.getInnerCloseable())
                .close(socket)
                .build();
    }

    private void directionDone(String which) {
        LOG.debug("{} {} done", this, which);
        if (directionsDone.incrementAndGet() == BOTH_DIRECTIONS) {
            close(false);
        }
    }

    private final class RelayEvents implements SocketToChannel.Events, ChannelToSocket.Events {

        @Override
        public void inputEnded() {
            try {
                IoWriteFuture eof = sendEof();
                if (eof != null) {
                    eof.addListener(f -> {
                        destinationDrained = true;
                        directionDone("destination EOF");
                    });
                }
            } catch (IOException e) {
                failed(e);
            }
        }

        @Override
        public void channelWriteFailed(Throwable cause) {
            failed(cause);
        }

        @Override
        public void socketFailed(Throwable cause) {
            failed(cause);
        }

        @Override
        public void socketWriteFailed(Throwable cause) {
            LOG.debug("{} write to destination failed: {}", DialedChannel.this, cause.toString());
            close(false);
        }

        @Override
        public void outputEnded(Throwable failure) {
            directionDone("client EOF");
        }

        private void failed(Throwable cause) {
            if (isClosing()) {
                return; // an aborted write during close; the close sequence drains and closes the socket
            }
            LOG.debug("{} relay failed: {}", DialedChannel.this, cause.toString());
            DestinationSocket dest = socket;
            if (dest != null) {
                dest.channel().close();
            }
            close(false);
        }

        @Override
        public void socketClosed() {
            close(false);
        }
    }
}
