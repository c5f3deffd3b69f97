package dev.alknet.core.udp;

import java.io.IOException;
import java.util.function.Consumer;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.ChannelAsyncOutputStream;
import org.apache.sshd.client.channel.AbstractClientChannel;

/**
 * Client end of a {@value UdpFrames#CHANNEL_TYPE} channel. Outgoing frames are written through
 * {@link #getAsyncIn()}; incoming data is cut into frame bodies right here, on the session's thread, and handed
 * to the receiver. Every byte's window credit is returned at once: a datagram is delivered or dropped, never
 * held, so the server is never slowed down by UDP. Opened by {@link dev.alknet.core.channel.ChannelOpener}.
 */
public final class UdpAssociationChannel extends AbstractClientChannel {

    private final UdpFrameDecoder frames = new UdpFrameDecoder();
    private volatile Consumer<byte[]> receiver = body -> { };

    public UdpAssociationChannel() {
        super(UdpFrames.CHANNEL_TYPE);
    }

    /** Where frame bodies from the server go (called on the session's thread, in order). */
    public void receiveWith(Consumer<byte[]> r) {
        receiver = r;
    }

    @Override
    protected void doOpen() throws IOException {
        asyncIn = new ChannelAsyncOutputStream(this, SshConstants.SSH_MSG_CHANNEL_DATA);
    }

    @Override
    protected void doWriteData(byte[] data, int off, long len) throws IOException {
        try {
            if (!isClosing()) {
                frames.feed(data, off, (int) len, receiver);
            }
        } catch (UdpFrameDecoder.BadFrameException e) {
            log.debug("{} closing: {}", this, e.getMessage());
            close(false);
        } finally {
            getLocalWindow().release(len);
        }
    }

    @Override
    protected void doWriteExtendedData(byte[] data, int off, long len) throws IOException {
        getLocalWindow().release(len);
    }
}
