package dev.alknet.core.channel;

import java.io.IOException;
import org.apache.sshd.client.channel.ChannelDirectTcpip;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.net.SshdSocketAddress;

/**
 * A client {@code direct-tcpip} channel on our own data path ({@link RelayInbox}): received data goes straight to
 * its relay, window credit is returned once the socket took the bytes, and the EOF arrives in order after the last
 * packet. Opened by {@link ChannelOpener}, relayed by {@link ChannelRelay}.
 */
public final class RelayDirectTcpip extends ChannelDirectTcpip {

    private final RelayInbox inbox = new RelayInbox(this, this::sendWindowAdjust);

    public RelayDirectTcpip(SshdSocketAddress local, SshdSocketAddress remote) {
        super(local, remote);
    }

    /** Attaches the receiver and the writer; anything received before is delivered now, on this thread. */
    public void attach(RelayInbox.Inbound in, ChannelDataWriter out) {
        inbox.attach(in, out);
    }

    /** Our own window accounting (see {@link RelayInbox#receiveWindow()}); valid once the channel is open. */
    public ReceiveWindow receiveWindow() {
        return inbox.receiveWindow();
    }

    @Override
    protected long validateIncomingDataSize(int cmd, long len) throws IOException {
        return inbox.consume(len);
    }

    @Override
    protected void doWriteExtendedData(byte[] data, int off, long len) throws IOException {
        inbox.dropExtendedData(len);
    }

    @Override
    protected void preClose() {
        inbox.close();
        super.preClose();
    }

    @Override
    protected void doWriteData(byte[] data, int off, long len) throws IOException {
        if (isClosing()) {
            return; // as MINA does: nobody reads any more
        }
        inbox.data(data, off, len);
    }

    @Override
    public void handleEof() throws IOException {
        super.handleEof();
        inbox.eof();
    }

    @Override
    public void handleWindowAdjust(Buffer buffer) throws IOException {
        super.handleWindowAdjust(buffer);
        inbox.windowExpanded();
    }
}
