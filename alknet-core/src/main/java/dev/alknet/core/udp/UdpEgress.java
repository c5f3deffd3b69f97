package dev.alknet.core.udp;

import dev.alknet.core.ssh.SshSession;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;

/**
 * What the server's end of a {@value UdpFrames#CHANNEL_TYPE} channel ({@link UdpRelayChannel}) does not know: which
 * datagrams may go where, and which answers come back. One {@link Association} per channel.
 */
@FunctionalInterface
public interface UdpEgress {

    /** The egress of one association of {@code session}, made when its channel opens. */
    Association open(SshSession session);

    /** One association: its UDP socket's handler, then the frames in both directions. */
    interface Association {

        /** The handler of the association's UDP socket: datagrams that arrive there, as frames to the client. */
        ChannelHandler replies();

        /** The socket is bound; frames for the client go to {@code toClient}. Before this nothing is sent. */
        void bound(Channel socket, UdpFrameWriter toClient);

        /** One frame body from the client (address and payload); runs on the session's thread, never blocks. */
        void send(byte[] frameBody);
    }
}
