package dev.alknet.stealth;

import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The one deadline a web front's stream has at any time (header, keep-alive, send or lingering timeout):
 * arming it replaces the previous one; when it passes, the stream is closed without a byte, as nginx does.
 */
final class CloseTimer {

    private final Runnable close;
    private ScheduledFuture<?> timer;

    /** @param close what a passed deadline does (runs on the stream's loop) */
    CloseTimer(Runnable close) {
        this.close = close;
    }

    void arm(ChannelHandlerContext ctx, long nanos) {
        cancel();
        timer = ctx.executor().schedule(close, Math.max(0, nanos), TimeUnit.NANOSECONDS);
    }

    void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    boolean armed() {
        return timer != null;
    }
}
