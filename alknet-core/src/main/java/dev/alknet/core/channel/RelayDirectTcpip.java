package dev.alknet.core.channel;

import java.io.IOException;
import org.apache.sshd.client.channel.ChannelDirectTcpip;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.net.SshdSocketAddress;

/**
 * A {@code direct-tcpip} channel opened by the client, or a {@code forwarded-tcpip} one opened by the server for a
 * {@code -R} connection (the same open message, RFC 4254 §7.1/§7.2), on our own data path on our own data path ({@link RelayInbox}): received data goes straight to
 * its relay, window credit is returned once the socket took the bytes, and the EOF arrives in order after the last
 * packet. Opened by {@link ChannelOpener}, relayed by {@link ChannelRelay}.
 */
public final class RelayDirectTcpip extends ChannelDirectTcpip {

    static final String DIRECT_TCPIP = "direct-tcpip";
    static final String FORWARDED_TCPIP = "forwarded-tcpip";

    private final RelayInbox inbox = new RelayInbox(this, this::sendWindowAdjust);
    private final String type;

    public RelayDirectTcpip(SshdSocketAddress local, SshdSocketAddress remote) {
        this(DIRECT_TCPIP, local, remote);
    }

    /**
     * @param local  the originator (the connecting peer)
     * @param remote {@code direct-tcpip}: the destination; {@code forwarded-tcpip}: the listener that was connected
     */
    RelayDirectTcpip(String type, SshdSocketAddress local, SshdSocketAddress remote) {
        super(local, remote);
        this.type = type;
    }

    /** Written into the open by MINA's {@code ChannelDirectTcpip.open}, the rest of which both types share. */
    @Override
    public String getChannelType() {
        return type;
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
