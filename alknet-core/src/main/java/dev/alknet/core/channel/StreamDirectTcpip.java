package dev.alknet.core.channel;

import java.io.IOException;
import org.apache.sshd.client.channel.ChannelDirectTcpip;
import org.apache.sshd.common.util.net.SshdSocketAddress;

/**
 * A {@code direct-tcpip} channel read and written as blocking streams (the embedded API's {@code AlknetStream}),
 * that can half-close: MINA keeps {@code sendEof} protected. Opened by {@link ChannelOpener}.
 */
public final class StreamDirectTcpip extends ChannelDirectTcpip {

    public StreamDirectTcpip(String originatorHost, int originatorPort, String host, int port) {
        super(new SshdSocketAddress(originatorHost, originatorPort), new SshdSocketAddress(host, port));
    }

    /** Sends {@code SSH_MSG_CHANNEL_EOF}: the destination reads end-of-stream, reading on stays possible. */
    public void eof() throws IOException {
        sendEof();
    }
}
