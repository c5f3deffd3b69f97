package dev.alknet.core.channel;

import java.io.IOException;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.LocalWindow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives window credit back in batches instead of per packet. MINA sends an {@code SSH_MSG_CHANNEL_WINDOW_ADJUST}
 * for nearly every half packet released once the window is a few packets below its maximum (mina-sshd#884); at
 * 64 KiB packets that is one small encrypted message, and one wake-up of the sender, per packet. Holding back less
 * than {@link RelayTuning#RELEASE_BATCH} (at most an eighth of the window) costs the sender nothing it needs.
 *
 * <p>Thread-safe: bytes may be released from any thread.
 */
public final class WindowReleaser {

    private static final Logger LOG = LoggerFactory.getLogger(WindowReleaser.class);

    private final Channel channel;
    private final long batch;
    private long held;

    public WindowReleaser(Channel channel) {
        this.channel = channel;
        LocalWindow w = channel.getLocalWindow();
        long max = w.getMaxSize();
        this.batch = Math.max(1, Math.min(RelayTuning.RELEASE_BATCH, max > 0 ? max / 8 : RelayTuning.RELEASE_BATCH));
    }

    /** {@code n} bytes were delivered: their credit goes back once a batch is full. */
    public void release(long n) {
        long give;
        synchronized (this) {
            held += n;
            if (held < batch) {
                return;
            }
            give = held;
            held = 0;
        }
        doRelease(give);
    }

    /** Gives back everything held, e.g. when the sender may be waiting for the last bit of window. */
    public void flush() {
        long give;
        synchronized (this) {
            give = held;
            held = 0;
        }
        if (give > 0) {
            doRelease(give);
        }
    }

    private void doRelease(long n) {
        try {
            channel.getLocalWindow().release(n);
        } catch (IOException | RuntimeException e) {
            LOG.debug("{} window release failed: {}", channel, e.toString());
        }
    }
}
