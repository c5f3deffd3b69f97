package dev.alknet.core.keepalive;

import dev.alknet.core.bridge.ChannelIoSession;
import dev.alknet.core.resume.ResumeLink;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the peer of one session is still there, for both ends (the server's client-alive check, the client's
 * heartbeat): every interval a {@value #REQUEST} global request with want-reply; after {@code maxUnanswered} in a
 * row without any reply the session is closed. A fixed-rate task on MINA's scheduler, cancelled when the session
 * closes.
 *
 * <p>Unlike MINA's own heartbeat it does not kill a working session: any bytes received since the last tick count
 * as an answer (on a slow link a reply can sit behind megabytes of data), and while the resumable carrier is
 * detached nothing is counted (the resume grace decides, ADR 0011); a silent but open carrier of a resumable
 * session is dropped, so the session resumes on a new one instead of closing. Requests sent during a key exchange are
 * queued by MINA and still count as unanswered: a peer that dies mid-exchange must be reaped too, and a real
 * exchange takes far less than the reaping time.
 */
public final class PeerAliveProbe implements Runnable {

    public static final String REQUEST = "keepalive@openssh.com";
    private static final Logger log = LoggerFactory.getLogger(PeerAliveProbe.class);

    private final Session session;
    private final Duration interval;
    private final int maxUnanswered;
    private final AtomicInteger unanswered = new AtomicInteger();
    private volatile ScheduledFuture<?> task;
    private long readsSeen = -1;

    private PeerAliveProbe(Session session, Duration interval, int maxUnanswered) {
        this.session = session;
        this.interval = interval;
        this.maxUnanswered = maxUnanswered;
    }

    /** As {@link #start(Session, Duration, int, ScheduledExecutorService)}, for modules above core. */
    public static void start(dev.alknet.core.ssh.SshSession session, Duration interval, int maxUnanswered,
            ScheduledExecutorService scheduler) {
        start(session.mina(), interval, maxUnanswered, scheduler);
    }

    /** Starts probing {@code session} on {@code scheduler}; an interval of zero does nothing. */
    public static void start(Session session, Duration interval, int maxUnanswered,
            ScheduledExecutorService scheduler) {
        if (interval == null || interval.isZero() || interval.isNegative()) {
            return;
        }
        if (maxUnanswered < 1) {
            throw new IllegalArgumentException("unanswered keepalives: " + maxUnanswered + " (expected: >= 1)");
        }
        new PeerAliveProbe(session, interval, maxUnanswered).start(scheduler);
    }

    private void start(ScheduledExecutorService scheduler) {
        long ms = interval.toMillis();
        task = scheduler.scheduleAtFixedRate(this, ms, ms, TimeUnit.MILLISECONDS);
        session.addCloseFutureListener(f -> task.cancel(false));
    }

    @Override
    public void run() {
        if (!session.isOpen()) {
            task.cancel(false);
            return;
        }
        var stream = ResumeLink.of(session.getIoSession());
        if (stream != null && stream.detached()) {
            // no carrier, so no answer can come: the resume grace decides this session's fate (ADR 0011)
            unanswered.set(0);
            return;
        }
        if (session.getIoSession() instanceof ChannelIoSession io) {
            long reads = io.reads();
            if (reads != readsSeen) {
                readsSeen = reads;
                unanswered.set(0); // the peer is sending: alive, whatever happened to the last request
            }
        }
        int missed = unanswered.get();
        if (missed >= maxUnanswered && stream != null && stream.dropCarrier()) {
            // a carrier that stalls without closing: resume on a new one rather than lose every stream
            log.info("{}: nothing heard for {} keepalives in {} ms; dropping the carrier to resume", session, missed,
                    interval.toMillis() * missed);
            unanswered.set(0);
            return;
        }
        if (missed >= maxUnanswered) {
            task.cancel(false);
            log.info("{}@{}: nothing heard for {} keepalives in {} ms; closing the session", session.getUsername(),
                    session.getIoSession().getRemoteAddress(), missed, interval.toMillis() * missed);
            session.close(true); // not gracefully: a dead peer would never take the DISCONNECT
            return;
        }
        unanswered.incrementAndGet();
        try {
            Buffer buf = session.createBuffer(SshConstants.SSH_MSG_GLOBAL_REQUEST, REQUEST.length() + Byte.SIZE);
            buf.putString(REQUEST);
            buf.putBoolean(true);
            // Success, failure or "unimplemented": any answer proves the peer is there.
            session.request(buf, REQUEST, (cmd, reply) -> unanswered.set(0));
        } catch (IOException | RuntimeException e) {
            log.debug("{}: keepalive not sent: {}", session, e.toString());
        }
    }
}
