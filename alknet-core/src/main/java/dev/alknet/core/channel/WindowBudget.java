package dev.alknet.core.channel;

import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.session.Session;

/**
 * How far the receive windows of one SSH session may grow, together, above their initial size. A grown window is
 * credit the peer may use to park that many bytes with us when our socket stops taking them, so the sum is bounded
 * per session: a few fast channels can grow to their cap, many cannot pin unbounded memory. First come, first
 * served; a window gives its growth back when its reader falls behind or the channel closes.
 *
 * <p>Thread-safe.
 */
public final class WindowBudget {

    /** Bytes all windows of a session may grow, in total, above {@code SshDefaults.WINDOW_SIZE}. */
    public static final long SESSION_BUDGET = Long.getLong("alknet.ssh.windowBudget", 256L * 1024 * 1024);

    private static final AttributeKey<WindowBudget> KEY = new AttributeKey<>();

    private final long total;
    private long used;

    public WindowBudget(long total) {
        this.total = Math.max(0, total);
    }

    /** The budget of {@code session}, created on first use. */
    public static WindowBudget of(Session session) {
        return session.computeAttributeIfAbsent(KEY, k -> new WindowBudget(SESSION_BUDGET));
    }

    /** Takes up to {@code wanted} bytes; returns how many were granted (0 when the budget is spent). */
    public synchronized long take(long wanted) {
        long n = Math.max(0, Math.min(wanted, total - used));
        used += n;
        return n;
    }

    public synchronized void giveBack(long n) {
        used = Math.max(0, used - n);
    }

    public synchronized long used() {
        return used;
    }
}
