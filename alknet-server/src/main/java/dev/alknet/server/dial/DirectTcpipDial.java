package dev.alknet.server.dial;

import dev.alknet.core.channel.Dial;
import dev.alknet.core.open.OpenFailure;
import dev.alknet.core.ssh.SshSession;
import io.netty.channel.Channel;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * How the server reaches the destination of a {@code direct-tcpip} open: the {@link DestinationDecision} first (a
 * refusal fails the dial at once), then the {@link Dialer}; failures are answered from {@link DialErrors}.
 */
final class DirectTcpipDial implements Dial {

    private final Dialer dialer;
    private final DestinationDecision decision;

    DirectTcpipDial(Dialer dialer, DestinationDecision decision) {
        this.dialer = Objects.requireNonNull(dialer, "dialer");
        this.decision = Objects.requireNonNull(decision, "decision");
    }

    @Override
    public CompletableFuture<Channel> dial(SshSession session, String host, long port) {
        DestinationDecision.Verdict verdict = decision.open(session, DestinationDecision.Kind.DIRECT_TCPIP, host, port);
        if (!verdict.allowed()) {
            return CompletableFuture.failedFuture(verdict.denial());
        }
        DialTarget target = verdict.target();
        return dialer.dial(target, decision.addressCheck(session, target));
    }

    @Override
    public Refusal refusal(Throwable failure) {
        DialException e = DialErrors.classify(failure);
        OpenFailure reason = e.failure().open();
        return new Refusal(reason, e.reason());
    }
}
