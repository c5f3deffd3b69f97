package dev.alknet.transport.resume;

import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Server side: the armed streams of this process by token id, so that a resume hello can find its stream. */
public final class ResumeRegistry {

    private final Map<String, ResumableStream> streams = new ConcurrentHashMap<>();

    /** Makes the stream's token, arms the stream and lists it until it ends. */
    public ResumeToken register(ResumableStream stream) {
        return register(stream, ResumeToken.random());
    }

    /** As {@link #register(ResumableStream)}, with a token made elsewhere (tests: a known key). */
    ResumeToken register(ResumableStream stream, ResumeToken token) {
        String id = token.idHex();
        streams.put(id, stream);
        stream.onEnd(() -> streams.remove(id, stream));
        stream.arm(token);
        if (stream.ended()) {
            streams.remove(id, stream);
        }
        return token;
    }

    ResumableStream find(byte[] id) {
        ResumableStream s = streams.get(HexFormat.of().formatHex(id));
        return s == null || s.ended() ? null : s;
    }

    /** Streams armed and not ended: attached or waiting for a resume. */
    public int size() {
        return streams.size();
    }
}
