package dev.alknet.core.resume;

import dev.alknet.transport.resume.ResumableStream;
import dev.alknet.transport.resume.ResumeRegistry;
import dev.alknet.transport.resume.ResumeToken;
import java.time.Duration;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.helpers.AbstractConnectionServiceRequestHandler;
import org.apache.sshd.common.util.buffer.Buffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the resume token inside the encrypted SSH session: the client asks with the global request
 * {@value #REQUEST} after authentication; the server answers with the token's id and key (and its grace in
 * seconds) and from then on holds the session for a resume when the carrier goes. Stock servers answer
 * failure, and the client simply stays unarmed.
 */
public final class ResumeTokens {

    public static final String REQUEST = "resume@alknet.dev";
    private static final Logger LOG = LoggerFactory.getLogger(ResumeTokens.class);

    private ResumeTokens() {
    }

    /** Client: arms the session's stream if it has one and the server hands out a token. */
    public static boolean fetch(ClientSession session, Duration timeout) {
        ResumableStream stream = ResumeLink.of(session.getIoSession());
        if (stream == null || !stream.framed()) {
            LOG.debug("no resumable stream under {} (stock server, or resume off)", session);
            return false;
        }
        try {
            Buffer request = session.createBuffer(SshConstants.SSH_MSG_GLOBAL_REQUEST, 32);
            request.putString(REQUEST);
            request.putBoolean(true);
            Buffer reply = session.request(REQUEST, request, timeout.toMillis());
            if (reply == null) {
                LOG.debug("server refused {}", REQUEST);
                return false;
            }
            stream.arm(new ResumeToken(reply.getBytes(), reply.getBytes()));
            LOG.info("resumable carrier: open streams survive a drop of up to {} s", reply.getUInt());
            return true;
        } catch (Exception e) {
            LOG.debug("no resume token", e);
            return false;
        }
    }

    /** Server: answers {@value #REQUEST} for sessions on a framed carrier. */
    public static final class Handler extends AbstractConnectionServiceRequestHandler {
        private final ResumeRegistry registry;

        public Handler(ResumeRegistry registry) {
            this.registry = registry;
        }

        @Override
        public Result process(ConnectionService service, String request, boolean wantReply, Buffer buffer)
                throws Exception {
            if (!REQUEST.equals(request)) {
                return Result.Unsupported;
            }
            Session session = service.getSession();
            ResumableStream stream = ResumeLink.of(session.getIoSession());
            if (stream == null || stream.ended() || !wantReply) {
                return Result.ReplyFailure;
            }
            ResumeToken token = stream.token() != null ? stream.token() : registry.register(stream);
            Buffer reply = session.createBuffer(SshConstants.SSH_MSG_REQUEST_SUCCESS, 64);
            reply.putBytes(token.id());
            reply.putBytes(token.key());
            reply.putUInt(stream.settings().grace().toSeconds());
            session.writePacket(reply);
            return Result.Replied;
        }
    }
}
