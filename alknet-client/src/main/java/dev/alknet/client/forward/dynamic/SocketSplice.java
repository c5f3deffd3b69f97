package dev.alknet.client.forward.dynamic;

import dev.alknet.core.channel.OutputEnd;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * Relays two sockets of one event loop to each other (a dynamic {@code -R} connection and the destination it asked
 * for), both with autoRead off: the next read from one side only once the other took the last write (so a slow
 * reader throttles the sender); a FIN becomes a FIN after the last write; both are closed when both directions ended,
 * or at once when either fails or is closed.
 */
final class SocketSplice {

    private final Channel client;
    private final Channel destination;
    private int directionsEnded;
    private boolean closed;

    private SocketSplice(Channel client, Channel destination) {
        this.client = client;
        this.destination = destination;
    }

    /**
     * The handler to put last in {@code client}'s pipeline; once added, {@code payload} goes to the destination first,
     * then both sides are read.
     */
    static ChannelHandler join(Channel client, Channel destination, ArrayDeque<ByteBuf> payload, boolean inputEnded) {
        SocketSplice s = new SocketSplice(client, destination);
        Half down = s.new Half(destination, client);
        destination.pipeline().addLast(down);
        return s.new Half(client, destination) {
            @Override
            public void handlerAdded(ChannelHandlerContext ctx) {
                ByteBuf b;
                while ((b = payload.poll()) != null) {
                    destination.write(b);
                }
                destination.flush();
                if (inputEnded) {
                    s.endOutput(destination);
                } else {
                    client.read();
                }
                destination.read();
            }
        };
    }

    private void endOutput(Channel to) {
        to.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                closeBoth();
                return;
            }
            if (++directionsEnded == 2) {
                closeBoth();
            } else if (to instanceof DuplexChannel duplex) {
                OutputEnd.of(duplex, false);
            }
        });
    }

    private void closeBoth() {
        if (!closed) {
            closed = true;
            client.close();
            destination.close();
        }
    }

    /** One direction: what {@code from} reads goes to {@code to}. */
    private class Half extends ChannelInboundHandlerAdapter {
        private final Channel from;
        private final Channel to;

        Half(Channel from, Channel to) {
            this.from = from;
            this.to = to;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (closed) {
                ReferenceCountUtil.release(msg);
                return;
            }
            to.writeAndFlush(msg).addListener((ChannelFutureListener) f -> {
                if (f.isSuccess()) {
                    from.read();
                } else {
                    closeBoth();
                }
            });
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent) {
                endOutput(to);
                return;
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            closeBoth();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            closeBoth();
        }
    }
}
