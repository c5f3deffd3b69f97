package dev.alknet.core.udp;

import dev.alknet.core.ssh.SshSession;
import dev.alknet.transport.EventLoops;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Collections;
import org.apache.sshd.client.future.DefaultOpenFuture;
import org.apache.sshd.client.future.OpenFuture;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.ChannelAsyncOutputStream;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.channel.AbstractServerChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Server side of one {@value UdpFrames#CHANNEL_TYPE} channel, i.e. one SOCKS UDP association: its own UDP
 * socket (wildcard address, ephemeral port, IPv4 and IPv6), confirmed once bound. Frames from the client go to the
 * association's {@link UdpEgress} (which checks and sends them), and so do the socket's answers. Closing the channel
 * closes the socket, and an EOF from the client closes the channel.
 */
public final class UdpRelayChannel extends AbstractServerChannel {

    private static final Logger LOG = LoggerFactory.getLogger(UdpRelayChannel.class);
    /** Bytes of replies that may wait for the SSH channel; more are dropped. */
    private static final int REPLY_BUDGET = 512 * 1024;

    private final UdpEgress egress;
    private final UdpFrameDecoder frames = new UdpFrameDecoder();
    private volatile ChannelAsyncOutputStream toClient;
    private volatile Channel socket;
    /** Set once the socket is bound: frames before that are dropped. */
    private volatile UdpEgress.Association association;

    UdpRelayChannel(UdpEgress egress) {
        super("", Collections.emptyList(), null);
        this.egress = egress;
    }

    @Override
    protected OpenFuture doInit(Buffer buffer) {
        OpenFuture opened = new DefaultOpenFuture(this, futureLock);
        UdpEgress.Association a = egress.open(SshSession.of(getSession()));
        toClient = new ChannelAsyncOutputStream(this, SshConstants.SSH_MSG_CHANNEL_DATA);
        ChannelFuture bound = new Bootstrap()
                .group(EventLoops.group())
                .channel(EventLoops.datagramChannel())
                // Never truncate: the largest UDP payload fits.
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(UdpFrames.MAX_PAYLOAD + 1))
                .handler(a.replies())
                .bind(new InetSocketAddress(0));
        bound.addListener(f -> {
            if (!f.isSuccess()) {
                LOG.debug("{} cannot bind a UDP socket: {}", this, f.cause().toString());
                signalChannelOpenFailure(f.cause());
                opened.setException(f.cause());
                return;
            }
            Channel ch = bound.channel();
            socket = ch;
            if (isClosing()) {
                ch.close();
                return;
            }
            a.bound(ch, new UdpFrameWriter(toClient, REPLY_BUDGET, this::onWriteFailed));
            association = a;
            try {
                signalChannelOpenSuccess(); // MINA's listener writes SSH_MSG_CHANNEL_OPEN_CONFIRMATION here
                opened.setOpened();
                LOG.debug("{} UDP association on {}", this, ch.localAddress());
            } catch (RuntimeException e) {
                signalChannelOpenFailure(e);
                ch.close();
                close(true);
            } finally {
                notifyStateChanged("bound");
            }
        });
        return opened;
    }

    /** The association's UDP socket once bound (for tests and logs), or null. */
    public InetSocketAddress localAddress() {
        Channel ch = socket;
        return ch == null ? null : (InetSocketAddress) ch.localAddress();
    }

    @Override
    protected void doWriteData(byte[] data, int off, long len) throws IOException {
        try {
            UdpEgress.Association a = association;
            if (a != null) {
                frames.feed(data, off, (int) len, a::send);
            }
        } catch (UdpFrameDecoder.BadFrameException e) {
            LOG.debug("{} closing: {}", this, e.getMessage());
            close(false);
        } finally {
            getLocalWindow().release(len); // datagrams are sent or dropped at once: never hold the client back
        }
    }

    @Override
    protected void doWriteExtendedData(byte[] data, int off, long len) throws IOException {
        getLocalWindow().release(len);
    }

    @Override
    public void handleEof() throws IOException {
        super.handleEof();
        close(false); // the association ended on the client
    }

    @Override
    public void handleWindowAdjust(Buffer buffer) throws IOException {
        super.handleWindowAdjust(buffer);
        ChannelAsyncOutputStream out = toClient;
        if (out != null) {
            out.onWindowExpanded();
        }
    }

    private void onWriteFailed(Throwable e) {
        if (!isClosing()) {
            LOG.debug("{} writing to the client failed: {}", this, e.toString());
            close(false);
        }
    }

    @Override
    protected void preClose() {
        Channel ch = socket;
        if (ch != null) {
            ch.close();
        }
        ChannelAsyncOutputStream out = toClient;
        if (out != null) {
            out.close(true); // pending replies are worthless once the association ends
        }
        super.preClose();
    }
}
