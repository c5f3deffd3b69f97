package dev.alknet.server.dial;

import io.netty.channel.Channel;
import java.util.concurrent.CompletableFuture;

/**
 * A dialer that, called with a bare host and port (tests, embedders), checks them with {@link DialTarget#parse}
 * first, the same answers the destination decision gives; the decision's own call skips that.
 */
abstract class TargetDialer implements Dialer {

    @Override
    public final CompletableFuture<Channel> dial(String host, int port) {
        return dial(host, port, AddressCheck.ANY);
    }

    @Override
    public final CompletableFuture<Channel> dial(String host, int port, AddressCheck check) {
        try {
            return dial(DialTarget.parse(host, port), check);
        } catch (DialException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public abstract CompletableFuture<Channel> dial(DialTarget target, AddressCheck check);
}
