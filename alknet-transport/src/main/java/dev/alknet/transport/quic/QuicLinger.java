package dev.alknet.transport.quic;

import io.netty.handler.codec.quic.QuicChannel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Closes a QUIC connection once its stream is done, but not at once: closing the connection drops
 * whatever stream data quiche still has to (re)send, while a closed TCP socket still delivers it. So the
 * connection lingers for {@link #LINGER} (or until the peer closes it) after its last stream closed.
 */
final class QuicLinger {

    static final Duration LINGER = Duration.ofSeconds(2);

    private QuicLinger() {
    }

    static void closeLater(QuicChannel quic) {
        if (!quic.isOpen()) {
            return;
        }
        quic.eventLoop().schedule(() -> {
            quic.close();
        }, LINGER.toMillis(), TimeUnit.MILLISECONDS);
    }
}
