package dev.alknet.core.channel;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.util.concurrent.EventExecutor;
import java.util.function.BooleanSupplier;

/**
 * The SSH→socket half of a relay, the same on both ends. The channel hands over each packet on the SSH session's
 * reader thread ({@link RelayInbox}); it is copied into the socket's outbound buffer at once ({@link BatchedOutbound}:
 * no waiting for the previous write, one flush per burst) and its window credit goes back only once the socket took
 * it. So a socket that reads slowly stops the credit and with it the peer; what waits here is bounded by the window.
 *
 * <p>The peer's EOF, or the channel's close, arrives after every packet before it: the socket's output ends once the
 * last write completed ({@link BatchedOutbound#endOutput}), then the owner hears of it.
 */
public final class ChannelToSocket implements RelayInbox.Inbound {

    /** What the half reports to its owner. Called on the socket's event loop. */
    public interface Events {
        /**
         * All bytes and the EOF were delivered and the output ended (FIN, or the socket closed when reading was done
         * too); {@code failure} is null, or why that could not be done.
         */
        void outputEnded(Throwable failure);

        /** Writing to the socket failed; called at most once, and then no {@link #outputEnded}. */
        void socketWriteFailed(Throwable cause);
    }

    private final BatchedOutbound outbound;
    private final EventExecutor loop;
    private final BooleanSupplier readingDone;
    private final Events events;
    private final ChannelFutureListener writeFailed;
    private volatile boolean done;

    /**
     * @param readingDone whether the other direction (socket to SSH) delivered its EOF: then the socket may be closed
     *                    instead of half-closed
     */
    public ChannelToSocket(BatchedOutbound outbound, BooleanSupplier readingDone, Events events) {
        this.outbound = outbound;
        this.loop = outbound.channel().eventLoop();
        this.readingDone = readingDone;
        this.events = events;
        this.writeFailed = f -> loop.execute(() -> fail(f.cause()));
    }

    /** {@code window} gets each write's credit once the socket took the bytes (null: none to give). */
    public ChannelToSocket(Channel socket, ReceiveWindow window, BooleanSupplier readingDone, Events events) {
        this(new BatchedOutbound(socket, window), readingDone, events);
    }

    @Override
    public void data(byte[] data, int off, int len) {
        if (!done && len > 0) {
            outbound.write(data, off, len, writeFailed);
        }
    }

    @Override
    public void eof() {
        end();
    }

    /** The SSH channel closed: whatever it delivered is the whole stream. */
    public void closed() {
        end();
    }

    /** Stops without further events; the owner closes the socket. */
    public void stop() {
        done = true;
    }

    private void end() {
        if (done) {
            return;
        }
        done = true;
        outbound.endOutput(readingDone).addListener(f -> events.outputEnded(f.isSuccess() ? null : f.cause()));
    }

    private void fail(Throwable e) {
        if (!done) {
            done = true;
            events.socketWriteFailed(e);
        }
    }
}
