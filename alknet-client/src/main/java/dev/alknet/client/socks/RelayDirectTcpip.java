package dev.alknet.client.socks;

import dev.alknet.core.channel.ChannelDataWriter;
import dev.alknet.core.channel.LazyReceiveWindow;
import dev.alknet.core.channel.ReceiveWindow;
import java.io.IOException;
import java.util.ArrayDeque;
import org.apache.sshd.client.channel.ChannelDirectTcpip;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.net.SshdSocketAddress;

/**
 * A client {@code direct-tcpip} channel that hands received data straight to its relay instead of MINA's
 * {@code ChannelAsyncInputStream}, and tells the relay's {@link ChannelDataWriter} about window adjusts.
 *
 * <p>Why: {@code ChannelAsyncInputStream} copies every packet into one growing buffer, copies it out again on each
 * read and then compacts the rest (a {@code memmove} of everything still buffered, per read), and reports the
 * remote EOF only when the channel closes. Here a packet is copied once, into the socket's buffer, its window
 * credit is returned once the socket took it (so a slow reader still holds back the peer), and the EOF arrives in
 * order after the last packet.
 *
 * <p>Data that arrives before the relay is attached (between the open confirmation and the hand-over to the relay
 * on the event loop) is kept, unacknowledged and so bounded by the window, and delivered on attach.
 */
public final class RelayDirectTcpip extends ChannelDirectTcpip {

    /** Where the channel's incoming bytes and EOF go. Called on the session's reader thread, in order. */
    public interface Inbound {
        void data(byte[] data, int off, int len);

        void eof();
    }

    private final Object lock = new Object();
    private volatile Inbound inbound;
    private ArrayDeque<byte[]> early = new ArrayDeque<>();
    private boolean earlyEof;
    private volatile ChannelDataWriter writer;
    private final LazyReceiveWindow receiveWindow = new LazyReceiveWindow(this, this::sendWindowAdjust);

    public RelayDirectTcpip(SshdSocketAddress local, SshdSocketAddress remote) {
        super(local, remote);
    }

    /** Creates and registers the channel on {@code session}, like {@code session.createDirectTcpipChannel}. */
    public static RelayDirectTcpip create(ClientSession session, SshdSocketAddress local, SshdSocketAddress remote)
            throws IOException {
        ConnectionService service = session.getService(ConnectionService.class);
        if (service == null) {
            throw new IOException("no connection service on " + session);
        }
        RelayDirectTcpip channel = new RelayDirectTcpip(local, remote);
        service.registerChannel(channel);
        return channel;
    }

    /** Attaches the receiver and the writer; anything received before is delivered now, on this thread. */
    public void attach(Inbound in, ChannelDataWriter out) {
        this.writer = out;
        ArrayDeque<byte[]> before;
        boolean eof;
        // Deliver under the lock, so bytes the reader thread receives meanwhile queue up behind these.
        synchronized (lock) {
            before = early;
            eof = earlyEof;
            early = null;
            for (byte[] b : before) {
                in.data(b, 0, b.length);
            }
            if (eof) {
                in.eof();
            }
            inbound = in;
        }
    }

    /**
     * Our own window accounting instead of MINA's (batched credit, grown on long fat links); valid once the channel
     * is open.
     */
    public ReceiveWindow receiveWindow() {
        return receiveWindow.get();
    }

    @Override
    protected long validateIncomingDataSize(int cmd, long len) throws IOException {
        return receiveWindow().consume(len);
    }

    @Override
    protected void doWriteExtendedData(byte[] data, int off, long len) throws IOException {
        receiveWindow().release(len); // direct-tcpip has no extended data (RFC 4254 §7.2): drop it
    }

    @Override
    protected void preClose() {
        receiveWindow.close(); // its growth goes back to the session's budget
        super.preClose();
    }

    @Override
    protected void doWriteData(byte[] data, int off, long len) throws IOException {
        if (isClosing()) {
            return; // as MINA does: nobody reads any more
        }
        Inbound in = inbound;
        if (in == null) {
            synchronized (lock) {
                in = inbound;
                if (in == null) {
                    byte[] copy = new byte[(int) len];
                    System.arraycopy(data, off, copy, 0, (int) len);
                    early.add(copy);
                    return;
                }
            }
        }
        in.data(data, off, (int) len);
    }

    @Override
    public void handleEof() throws IOException {
        super.handleEof();
        Inbound in = inbound;
        if (in == null) {
            synchronized (lock) {
                in = inbound;
                if (in == null) {
                    earlyEof = true;
                    return;
                }
            }
        }
        in.eof();
    }

    @Override
    public void handleWindowAdjust(Buffer buffer) throws IOException {
        super.handleWindowAdjust(buffer);
        ChannelDataWriter w = writer;
        if (w != null) {
            w.onWindowExpanded();
        }
    }
}
