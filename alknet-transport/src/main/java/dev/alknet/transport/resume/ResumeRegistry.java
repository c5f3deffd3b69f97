package dev.alknet.transport.resume;

import io.netty.channel.Channel;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Server side: the armed streams of this process by token id, so that a resume hello can find its stream. */
public final class ResumeRegistry {

    /** Told when an armed stream loses its carrier, gets a new one, or ends: the server's accounting. */
    public interface Watcher {
        Watcher NONE = new Watcher() {
        };

        default void detached(ResumableStream stream) {
        }

        /** {@code carrier} passed the resume handshake (its hello proved the token) and carries the stream now. */
        default void attached(ResumableStream stream, Channel carrier) {
        }

        default void ended(ResumableStream stream) {
        }
    }

    private final Map<String, ResumableStream> streams = new ConcurrentHashMap<>();
    private final Watcher watcher;
    private final byte[] idPrefix;

    public ResumeRegistry() {
        this(Watcher.NONE);
    }

    public ResumeRegistry(Watcher watcher) {
        this(watcher, null);
    }

    /** {@code idPrefix}: what every token id starts with (the server id a load balancer routes on), or null. */
    public ResumeRegistry(Watcher watcher, byte[] idPrefix) {
        this.watcher = watcher;
        this.idPrefix = idPrefix == null ? null : idPrefix.clone();
    }

    /** Makes the stream's token, arms the stream and lists it until it ends. */
    public ResumeToken register(ResumableStream stream) {
        return register(stream, ResumeToken.random(idPrefix));
    }

    /** As {@link #register(ResumableStream)}, with a token made elsewhere (tests: a known key). */
    ResumeToken register(ResumableStream stream, ResumeToken token) {
        String id = token.idHex();
        streams.put(id, stream);
        stream.watch(watcher);
        stream.onEnd(() -> {
            streams.remove(id, stream);
            watcher.ended(stream);
        });
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

    /** Ends a stream waiting for its client (a limit needs its room) and closes its session. */
    public void drop(ResumableStream stream, String why) {
        stream.fail(ResumeStats.Cause.LIMIT, why);
    }

    /** Streams armed and not ended: attached or waiting for a resume. */
    public int size() {
        return streams.size();
    }
}
