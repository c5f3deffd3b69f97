package dev.alknet.cli;

import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.server.forward.DirectTcpipFactory;

/** The direct-tcpip channel implementation the server runs. */
final class ServerChannels {

    private ServerChannels() {
    }

    static ChannelFactory directTcpip() {
        return DirectTcpipFactory.INSTANCE;
    }
}
