package dev.alknet.core.open;

import java.io.IOException;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.io.IoWriteFuture;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;

/**
 * Writes SSH_MSG_CHANNEL_OPEN_FAILURE (RFC 4254 §5.1) for a server channel. Needed because MINA's connection service
 * (2.20.0 {@code AbstractConnectionService.channelOpen}) copies only the reason code of a failed OpenFuture's
 * {@code SshChannelOpenException} and always sends the description "Generic error while opening channel: N".
 */
public final class OpenFailureMessage {

    private OpenFailureMessage() {
    }

    public static IoWriteFuture send(Channel channel, int reasonCode, String description) throws IOException {
        Session session = channel.getSession();
        Buffer buf = session.createBuffer(SshConstants.SSH_MSG_CHANNEL_OPEN_FAILURE, description.length() + 64);
        buf.putUInt(channel.getRecipient());
        buf.putUInt(reasonCode);
        buf.putString(description);
        buf.putString(""); // language tag
        return session.writePacket(buf);
    }
}
