package dev.alknet.stealth;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;

/** Half-closing a stream the way nginx does it: on TLS a close_notify first, then the TCP FIN. */
final class Closing {

    private Closing() {
    }

    /** Sends our end of the stream (close_notify on TLS, then FIN), leaving reading open. */
    static void shutdownOutput(Channel ch) {
        SslHandler ssl = ch.pipeline().get(SslHandler.class);
        if (ssl != null) {
            ssl.closeOutbound().addListener((Future<? super Void> f) -> fin(ch));
        } else {
            fin(ch);
        }
    }

    private static void fin(Channel ch) {
        if (ch instanceof DuplexChannel d && ch.isActive()) {
            ChannelFuture f = d.shutdownOutput();
            f.addListener(r -> {
                if (!r.isSuccess()) {
                    ch.close();
                }
            });
        } else if (!(ch instanceof DuplexChannel)) {
            ch.close();
        }
    }
}
