package dev.alknet.transport.resume;

import io.netty.buffer.ByteBuf;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The sent-but-unacknowledged bytes of one direction of a resumable stream, numbered from 0: holds
 * {@code [acked, sent)} and never more than {@code bound} bytes. Not thread-safe: its owner serialises calls.
 *
 * <p>Buffers are kept by reference (retained duplicates of what went on the wire): the caller hands in
 * buffers of its own (a copy of the SSH layer's packet, which that layer may reuse once its write completed).
 */
public final class ReplayBuffer {

    private final long bound;
    private final ArrayDeque<ByteBuf> chunks = new ArrayDeque<>();
    private long acked;
    private long sent;

    public ReplayBuffer(long bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound: " + bound);
        }
        this.bound = bound;
    }

    /** Whether {@code n} more bytes fit under the bound (a chunk larger than the bound fits an empty buffer). */
    public boolean hasRoomFor(int n) {
        long held = sent - acked;
        return held == 0 || held + n <= bound;
    }

    /** Records {@code data} (its readable bytes) as sent; retains it. */
    public void add(ByteBuf data) {
        int n = data.readableBytes();
        if (!hasRoomFor(n)) {
            throw new IllegalStateException("replay buffer full: " + held() + " + " + n + " > " + bound);
        }
        chunks.addLast(data.retainedDuplicate());
        sent += n;
    }

    /**
     * The peer has every byte before {@code count}: frees them.
     *
     * @return false if {@code count} is outside {@code [acked, sent]} (a confused or lying peer)
     */
    public boolean ack(long count) {
        if (count < acked || count > sent) {
            return false;
        }
        long drop = count - acked;
        while (drop > 0) {
            ByteBuf head = chunks.peekFirst();
            int n = head.readableBytes();
            if (n <= drop) {
                chunks.removeFirst().release();
                drop -= n;
            } else {
                head.skipBytes((int) drop);
                drop = 0;
            }
        }
        acked = count;
        return true;
    }

    /**
     * The bytes from {@code peerReceived} on, to send again on a new carrier (retained duplicates, the caller
     * releases or writes them); frees everything before it. Null if the peer claims bytes never sent or
     * already freed.
     */
    public List<ByteBuf> replayFrom(long peerReceived) {
        if (!ack(peerReceived)) {
            return null;
        }
        List<ByteBuf> out = new ArrayList<>(chunks.size());
        for (ByteBuf b : chunks) {
            out.add(b.retainedDuplicate());
        }
        return out;
    }

    public long acked() {
        return acked;
    }

    public long sent() {
        return sent;
    }

    public long held() {
        return sent - acked;
    }

    public long bound() {
        return bound;
    }

    public void release() {
        ByteBuf b;
        while ((b = chunks.pollFirst()) != null) {
            b.release();
        }
    }
}
