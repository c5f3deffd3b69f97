package dev.alknet.client.embed;

import java.io.IOException;
import org.apache.sshd.client.channel.ChannelDirectTcpip;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.util.net.SshdSocketAddress;

/** A blocking-stream {@code direct-tcpip} channel that can half-close (MINA keeps sendEof protected). */
final class EmbeddedDirectTcpip extends ChannelDirectTcpip {

    private EmbeddedDirectTcpip(SshdSocketAddress local, SshdSocketAddress remote) {
        super(local, remote);
    }

    /** Creates and registers the channel on {@code session}, like {@code session.createDirectTcpipChannel}. */
    static EmbeddedDirectTcpip create(ClientSession session, SshdSocketAddress local, SshdSocketAddress remote)
            throws IOException {
        ConnectionService service = session.getService(ConnectionService.class);
        if (service == null) {
            throw new IOException("no connection service on " + session);
        }
        EmbeddedDirectTcpip channel = new EmbeddedDirectTcpip(local, remote);
        service.registerChannel(channel);
        return channel;
    }

    void eof() throws IOException {
        sendEof();
    }
}
