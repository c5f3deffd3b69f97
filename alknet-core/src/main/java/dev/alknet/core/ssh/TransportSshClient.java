package dev.alknet.core.ssh;

import dev.alknet.core.bridge.TransportIoConnector;
import dev.alknet.core.config.SshDefaults;
import dev.alknet.transport.Transport;
import dev.alknet.transport.resume.ResumeHello;
import java.time.Duration;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.common.io.IoConnector;

/** An {@link SshClient} whose SSH connections go through an alknet transport. */
public final class TransportSshClient extends SshClient {

    private final Transport transport;

    private final boolean resumable;
    private final Duration resumeGrace;
    private final dev.alknet.core.bridge.ResumeCarriers resumeCarriers = new dev.alknet.core.bridge.ResumeCarriers();

    public TransportSshClient(Transport transport) {
        this(transport, false);
    }

    /** @param resumable offer a resumable carrier (docs/adr/0011); set the identification with {@link #identification} */
    public TransportSshClient(Transport transport, boolean resumable) {
        this(transport, resumable, TransportIoConnector.CLIENT_GRACE);
    }

    /** @param resumeGrace how long a lost carrier is retried before the session is given up */
    public TransportSshClient(Transport transport, boolean resumable, Duration resumeGrace) {
        this.transport = transport;
        this.resumable = resumable;
        this.resumeGrace = resumeGrace;
    }

    /** The client identification: the resume offer rides in its comment, which stock servers ignore. */
    public static String identification(boolean resumable) {
        return resumable ? SshDefaults.IDENTIFICATION + " " + ResumeHello.CLIENT_MARK : SshDefaults.IDENTIFICATION;
    }

    /** Other ways to the server a resume may take when this transport no longer gets through. */
    public dev.alknet.core.bridge.ResumeCarriers resumeCarriers() {
        return resumeCarriers;
    }

    public boolean resumable() {
        return resumable;
    }

    @Override
    protected void checkConfig() {
        SessionTimer.installOn(this);
        super.checkConfig();
    }

    @Override
    protected IoConnector createConnector() {
        return new TransportIoConnector(transport, getSessionFactory(), resumable, resumeGrace, resumeCarriers);
    }
}
