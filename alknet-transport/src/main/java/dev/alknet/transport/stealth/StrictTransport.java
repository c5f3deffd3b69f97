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
        return inner.connect(endpoint).thenCompose(stream -> StrictProofClient.prove(stream, key, scheme(),
                        name, timeout)
                .whenComplete((ok, failure) -> {
                    if (failure != null) {
                        stream.close();
                    }
                })
                .exceptionallyCompose(failure -> {
                    Throwable t = failure instanceof java.util.concurrent.CompletionException c && c.getCause() != null
                            ? c.getCause() : failure;
                    return CompletableFuture.failedFuture(t instanceof TransportException
                            ? new TransportException(endpoint + ": " + t.getMessage(), t) : t);
                }));
    }

    @Override
    public TransportListener listen(Endpoint endpoint, StreamAcceptor acceptor) throws TransportException {
        return inner.listen(endpoint, acceptor);
    }
}
