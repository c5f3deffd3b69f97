package dev.alknet.transport.stealth;

import dev.alknet.transport.Endpoint;
import dev.alknet.transport.StreamAcceptor;
import dev.alknet.transport.Transport;
import dev.alknet.transport.TransportException;
import dev.alknet.transport.TransportListener;
import io.netty.channel.Channel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A client transport for a {@code --stealth=strict} server: each stream the inner transport connects
 * first carries the proof ({@link StrictProofClient}); it is handed out once the server took it.
 */
public final class StrictTransport implements Transport {

    private final Transport inner;
    private final StealthKey key;
    private final Duration timeout;
    private final String host;

    /** @param host the name sent in the {@code Host} header (the SNI on tls/quic), null for the endpoint's */
    public StrictTransport(Transport inner, StealthKey key, Duration timeout, String host) {
        this.inner = inner;
        this.key = key;
        this.timeout = timeout;
        this.host = host;
    }

    @Override
    public String scheme() {
        return inner.scheme();
    }

    @Override
    public int defaultPort() {
        return inner.defaultPort();
    }

    @Override
    public CompletableFuture<Channel> connect(Endpoint endpoint) {
        String name = host != null ? host : endpoint.host().indexOf(':') >= 0 ? "[" + endpoint.host() + "]"
                : endpoint.host();
        CompletableFuture<Channel> result = new CompletableFuture<>();
        inner.connect(endpoint).whenComplete((stream, failure) -> {
            if (failure != null) {
                result.completeExceptionally(failure);
                return;
            }
            // ws and wss prove alike: a proxy may end the TLS, so the server sees ws either way
            String proofScheme = "wss".equals(scheme()) ? "ws" : scheme();
            StrictProofClient.prove(stream, key, proofScheme, name, timeout).whenComplete((ok, refused) -> {
                if (refused == null) {
                    result.complete(ok);
                    return;
                }
                stream.close();
                result.completeExceptionally(new TransportException(endpoint + ": " + refused.getMessage()));
            });
        });
        return result;
    }

    @Override
    public TransportListener listen(Endpoint endpoint, StreamAcceptor acceptor) throws TransportException {
        return inner.listen(endpoint, acceptor);
    }

    @Override
    public TransportListener listen(Endpoint endpoint, dev.alknet.transport.Admission admission,
            StreamAcceptor acceptor) throws TransportException {
        return inner.listen(endpoint, admission, acceptor);
    }
}
