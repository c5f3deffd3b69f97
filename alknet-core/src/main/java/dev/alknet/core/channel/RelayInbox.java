package dev.alknet.core.channel;

import java.io.IOException;
import java.util.ArrayDeque;
import org.apache.sshd.common.channel.AbstractChannel;

/**
 * What a relayed MINA channel (the client's {@link RelayDirectTcpip}, the server's dialed channel) does with what
 * it receives, so that both ends share one data path: incoming data is accounted in our own {@link ReceiveWindow}
 * (not MINA's {@code LocalWindow}), handed straight to the relay's {@link Inbound} instead of MINA's
 * {@code ChannelAsyncInputStream}, and the peer's window adjusts wake the relay's {@link ChannelDataWriter}.
 *
 * <p>Why not {@code ChannelAsyncInputStream}: it copies every packet into one growing buffer, copies it out again on
 * each read and then compacts the rest (a {@code memmove} of everything still buffered, per read), and reports the
 * remote EOF only when the channel closes (ADR 0005). Here a packet is copied once, into the socket's buffer.
 *
 * <p>Data that arrives before the relay is attached (on the client, between the open confirmation and the hand-over
 * to the relay on the event loop) is kept, unacknowledged and so bounded by the window, and delivered on attach.
 *
 * <p>The channel calls {@link #consume} from {@code validateIncomingDataSize}, {@link #data} from
 * {@code doWriteData}, {@link #eof} from {@code handleEof}, {@link #windowExpanded} from {@code handleWindowAdjust}
 * and {@link #close} from {@code preClose}; all but {@code close} on the session's reader thread, in order.
 */
public final class RelayInbox {

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
    private final LazyReceiveWindow receiveWindow;

    /** {@code adjust} is the channel's {@code sendWindowAdjust}. */
    public RelayInbox(AbstractChannel channel, ReceiveWindow.Adjust adjust) {
        this.receiveWindow = new LazyReceiveWindow(channel, adjust);
    }

    /** Attaches the receiver and the writer; anything received before is delivered now, on this thread. */
    public void attach(Inbound in, ChannelDataWriter out) {
        this.writer = out;
        // Deliver under the lock, so bytes the reader thread receives meanwhile queue up behind these.
        synchronized (lock) {
            ArrayDeque<byte[]> before = early;
            early = null;
            for (byte[] b : before) {
                in.data(b, 0, b.length);
            }
            if (earlyEof) {
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

    /** For {@code validateIncomingDataSize}: counts {@code len} against the window. */
    public long consume(long len) throws IOException {
        return receiveWindow().consume(len);
    }

    /** For {@code doWriteExtendedData}: a relayed stream has none (RFC 4254 §7.2); drop it, keep the window right. */
    public void dropExtendedData(long len) {
        receiveWindow().release(len);
    }

    /** For {@code doWriteData}: delivers, or keeps the bytes until {@link #attach}. */
    public void data(byte[] data, int off, long len) {
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

    /** For {@code handleEof}, after MINA's own handling. */
    public void eof() {
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

    /** For {@code handleWindowAdjust}, after MINA's own handling: resumes a write that waits for window. */
    public void windowExpanded() {
        ChannelDataWriter w = writer;
        if (w != null) {
            w.onWindowExpanded();
        }
    }

    /** For {@code preClose}: the window's growth goes back to the session's budget. */
    public void close() {
        receiveWindow.close();
    }
}
