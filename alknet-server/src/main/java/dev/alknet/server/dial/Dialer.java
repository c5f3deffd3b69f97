package dev.alknet.server.dial;

import io.netty.channel.Channel;
import java.util.concurrent.CompletableFuture;

/**
 * Opens the outbound TCP connection of one {@code direct-tcpip} channel. Implementations: {@link DirectDialer} and
 * {@link ProxyDialer} (through an upstream proxy).
 *
 * <p>The returned channel is connected, on {@code EventLoops.group()}, with {@code AUTO_READ} off,
 * {@code ALLOW_HALF_CLOSURE} on and {@code TCP_NODELAY} set, and has no handlers the caller must know about; the caller
 * owns it from then on. A failed future carries a {@link DialException}. Cancelling the future makes the dialer close
 * whatever it connected or was connecting.
 */
@FunctionalInterface
public interface Dialer {

    /**
     * @param host name or IP literal exactly as the SSH client sent it
     * @param port 1–65535
     */
    CompletableFuture<Channel> dial(String host, int port);

    /**
     * As {@link #dial(String, int)}, connecting only to addresses {@code check} allows; when a name resolves to none
     * the dial fails with {@link DialFailure#FORBIDDEN}. A dialer that never resolves (the proxy does) ignores it.
     */
    default CompletableFuture<Channel> dial(String host, int port, AddressCheck check) {
        return dial(host, port);
    }

    /**
     * As {@link #dial(String, int, AddressCheck)} for a destination the destination decision already checked (port,
     * host form, reserved names), so the dialer need not check it again.
     */
    default CompletableFuture<Channel> dial(DialTarget target, AddressCheck check) {
        return dial(target.host(), target.port(), check);
    }
}
