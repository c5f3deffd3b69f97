package dev.alknet.server.keepalive;

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
 * The keepalive of one session: a fixed-rate task on MINA's scheduler, cancelled when the session closes.
 * Requests sent during a key exchange are queued by MINA and still count as unanswered: a client that dies
 * mid-exchange must be reaped too, and a real exchange takes far less than the reaping time.
 */
final class ClientAliveProbe implements Runnable {

    static final String REQUEST = "keepalive@openssh.com";
    private static final Logger log = LoggerFactory.getLogger(ClientAliveProbe.class);

    private final Session session;
    private final Duration interval;
    private final int maxUnanswered;
    private final AtomicInteger unanswered = new AtomicInteger();
    private volatile ScheduledFuture<?> task;

    ClientAliveProbe(Session session, Duration interval, int maxUnanswered) {
        this.session = session;
        this.interval = interval;
        this.maxUnanswered = maxUnanswered;
    }

    void start(ScheduledExecutorService scheduler) {
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
        var stream = dev.alknet.core.resume.ResumeLink.of(session.getIoSession());
        if (stream != null && stream.detached()) {
            // no carrier, so no answer can come: the resume grace decides this session's fate (ADR 0011)
            unanswered.set(0);
            return;
        }
        int missed = unanswered.get();
        if (missed >= maxUnanswered) {
            task.cancel(false);
            log.info("{}@{}: no answer to {} keepalives in {} ms; closing the session", session.getUsername(),
                    session.getIoSession().getRemoteAddress(), missed, interval.toMillis() * missed);
            session.close(true); // not gracefully: a dead peer would never take the DISCONNECT
            return;
        }
        unanswered.incrementAndGet();
        try {
            Buffer buf = session.createBuffer(SshConstants.SSH_MSG_GLOBAL_REQUEST, REQUEST.length() + Byte.SIZE);
            buf.putString(REQUEST);
            buf.putBoolean(true);
            // Success, failure or "unimplemented": any answer proves the client is there.
            session.request(buf, REQUEST, (cmd, reply) -> unanswered.set(0));
        } catch (IOException | RuntimeException e) {
            log.debug("{}: keepalive not sent: {}", session, e.toString());
        }
    }
}
