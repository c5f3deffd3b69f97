package dev.alknet.client.socks;

import dev.alknet.core.channel.BatchedOutbound;
import dev.alknet.core.channel.OutputEnd;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.concurrent.EventExecutor;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * SSH → SOCKS client. {@link RelayDirectTcpip} hands over each packet on the SSH session's reader thread; it is
 * copied into the socket's outbound buffer at once (no waiting for the previous write: the socket drains while the
 * next packets arrive) and its window credit goes back only once the socket took it. So a client that reads slowly
 * stops the credit and with it the server; what waits here is bounded by the channel window.
 *
 * <p>The remote EOF, or the channel's close, arrives after every packet before it: the output is shut down once
 * the last write completed ({@code shutdownOutput()} fails writes still queued in Netty).
 */
final class SshToNettyPump implements RelayDirectTcpip.Inbound {

    private final Channel out;
    private final EventExecutor loop;
    private final BatchedOutbound outbound;
    private final Runnable onEnd;
    private final BooleanSupplier upstreamDone;
    private final Consumer<Throwable> onError;
    private final ChannelFutureListener writeFailed;
    private volatile boolean done;

    /**
     * @param onEnd   called once, on the channel's event loop, when all bytes and the EOF were delivered and the
     *                output is shut down
     * @param onError called once, on the event loop, if writing fails
     * @param upstreamDone whether the other direction (socket to SSH) delivered its EOF: then the socket may be
     *                     closed instead of half-closed
     */
    SshToNettyPump(RelayDirectTcpip ssh, Channel out, Runnable onEnd, Consumer<Throwable> onError,
            BooleanSupplier upstreamDone) {
        this.out = out;
        this.loop = out.eventLoop();
        this.outbound = new BatchedOutbound(out, ssh.receiveWindow());
        this.onEnd = onEnd;
        this.onError = onError;
        this.upstreamDone = upstreamDone;
        this.writeFailed = f -> loop.execute(() -> fail(f.cause()));
    }

    @Override
    public void data(byte[] data, int off, int len) {
        if (!done && len > 0) {
            outbound.write(data, off, len, writeFailed);
        }
    }

    @Override
    public void eof() {
        end();
    }

    /** The SSH channel closed: whatever it delivered is the whole stream. */
    void closed() {
        end();
    }

    /** Stops without further callbacks; the caller closes the channels. */
    void stop() {
        done = true;
    }

    private void end() {
        if (done) {
            return;
        }
        done = true;
        ChannelFuture last = outbound.lastWrite();
        if (last == null) {
            loop.execute(this::shutdown);
        } else {
            last.addListener(w -> {
                if (w.isSuccess()) {
                    shutdown();
                } else {
                    onError.accept(w.cause());
                }
            });
        }
    }

    private void shutdown() {
        if (out instanceof DuplexChannel duplex) {
            OutputEnd.of(duplex, upstreamDone.getAsBoolean()).addListener(s -> {
                if (s.isSuccess()) {
                    onEnd.run();
                } else {
                    onError.accept(s.cause());
                }
            });
        } else {
            onEnd.run();
        }
    }

    private void fail(Throwable e) {
        if (!done) {
            done = true;
            onError.accept(e);
        }
    }
}
