package dev.alknet.client.socks;

import dev.alknet.core.config.HostPort;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

/**
 * Where a proxy CONNECT goes: through the tunnel ({@link TunnelUpstream}, the {@code --socks} listener), or out of
 * this machine (a dynamic {@code -R}, {@code dev.alknet.client.forward.dynamic}). Every dialect's CONNECT asks it
 * through {@link ConnectStage}.
 */
public interface Upstream {

    /** Starts reaching {@code target} for {@code client} (on the client's event loop). */
    Opening open(Channel client, HostPort target);

    /** Whether SOCKS5 UDP ASSOCIATE is offered (it needs the tunnel). */
    default boolean udp() {
        return false;
    }

    /** One CONNECT on its way. */
    interface Opening {
        /** Completes when the destination answered; fails with what {@link SocksReplyMapper#reasonOf} maps. */
        CompletableFuture<?> ready();

        /** The client left: give up, and close whatever was opened or is still opening. */
        void cancel();

        /**
         * After {@link #ready()}: the handler that relays {@code client} from now on (put last in its pipeline).
         *
         * @param payload bytes the client sent meanwhile (ownership passes); they go first
         */
        ChannelHandler relay(Channel client, ArrayDeque<ByteBuf> payload, boolean inputEnded);
    }
}
