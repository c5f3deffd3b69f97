package dev.alknet.core.channel;

import org.apache.sshd.common.channel.AbstractChannel;

/**
 * A channel's {@link ReceiveWindow}, made on first use: the window's start is what MINA told the peer, known only
 * once the channel is open. Thread-safe; {@link #close()} gives its growth back to the session's budget.
 */
public final class LazyReceiveWindow {

    private final AbstractChannel channel;
    private final ReceiveWindow.Adjust adjust;
    private volatile ReceiveWindow window;

    /** {@code adjust} is the channel's {@code sendWindowAdjust}. */
    public LazyReceiveWindow(AbstractChannel channel, ReceiveWindow.Adjust adjust) {
        this.channel = channel;
        this.adjust = adjust;
    }

    public ReceiveWindow get() {
        ReceiveWindow w = window;
        if (w == null) {
            synchronized (this) {
                w = window;
                if (w == null) {
                    w = ReceiveWindow.of(channel, adjust);
                    window = w;
                }
            }
        }
        return w;
    }

    /** Closes the window if it was ever made. */
    public void close() {
        ReceiveWindow w = window;
        if (w != null) {
            w.close();
        }
    }
}
