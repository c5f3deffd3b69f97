package dev.alknet.core.channel;

import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.RecvByteBufAllocator;

/**
 * The few numbers of the relay data path, with system properties to override them (for A/B measurements; the
 * defaults are the measured best, see docs/performance.md).
 */
public final class RelayTuning {

    /**
     * Bytes a relay reads ahead per direction while its previous write to SSH is in flight; it is also the most
     * one write puts in flight. So one stream holds at most about twice this per direction, whatever the window.
     */
    public static final int MAX_PENDING = Integer.getInteger("alknet.relay.maxPending", 256 * 1024);

    /** Window credit is returned to the peer in batches of at least this (capped at an eighth of the window). */
    public static final int RELEASE_BATCH = Integer.getInteger("alknet.relay.releaseBatch", 512 * 1024);

    /** Socket read buffer of relayed sockets: initial and largest size of Netty's adaptive allocator. */
    static final int READ_INITIAL = Integer.getInteger("alknet.relay.readInitial", 64 * 1024);
    static final int READ_MAX = Integer.getInteger("alknet.relay.readMax", 256 * 1024);

    private RelayTuning() {
    }

    /**
     * Read buffers for relayed sockets whose autoRead is off. Netty's default starts at 2 KiB and, with autoRead
     * off, a read() yields one buffer, so a stream would move in small steps until the allocator has grown.
     */
    public static RecvByteBufAllocator readAllocator() {
        if (READ_INITIAL <= 0) {
            return new AdaptiveRecvByteBufAllocator();
        }
        return new AdaptiveRecvByteBufAllocator(4096, READ_INITIAL, Math.max(READ_INITIAL, READ_MAX));
    }

    /** Applies {@link #readAllocator()} to a channel. */
    public static void applyReadAllocator(Channel ch) {
        ch.config().setOption(ChannelOption.RCVBUF_ALLOCATOR, readAllocator());
    }
}
