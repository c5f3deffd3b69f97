package dev.alknet.transport;

import io.netty.channel.Channel;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.util.AttributeKey;
import java.net.InetSocketAddress;

/**
 * Server side: who gets in, decided when a peer is accepted (a TCP socket, a validated QUIC connection), before
 * any handshake is paid for. A refused peer is closed without a byte. An admitted one holds a {@link Slot} until
 * its connection closes; {@link #settle} marks the moment it stops being a pending handshake (logged in, or
 * handed to the stealth web front), so caps on unauthenticated peers see only those.
 */
@FunctionalInterface
public interface Admission {

    /** Lets everyone in (clients' listeners, tests). */
    Admission ANY = peer -> Slot.NONE;

    /** Where a connection keeps its slot: on the socket channel, or on a QUIC stream's connection. */
    AttributeKey<Slot> SLOT = AttributeKey.valueOf("alknet.admission");

    /** A slot for {@code peer} (null when the address is unknown), or null to refuse it. */
    Slot admit(InetSocketAddress peer);

    /** What an admitted connection holds. Both methods are idempotent and thread-safe. */
    interface Slot {
        Slot NONE = new Slot() {
            @Override
            public void settled() {
            }

            @Override
            public void release() {
            }
        };

        /** The handshake is over (authenticated, or no handshake of ours follows). */
        void settled();

        /** The connection closed. */
        void release();
    }

    /**
     * Takes a slot for a newly accepted connection: false (and the caller closes it) when refused; otherwise the slot
     * is kept on {@code ch} and released when it closes.
     */
    static boolean admit(Admission admission, Channel ch, InetSocketAddress peer) {
        Slot slot = admission.admit(peer);
        if (slot == null) {
            return false;
        }
        ch.attr(SLOT).set(slot);
        ch.closeFuture().addListener(f -> slot.release());
        return true;
    }

    /** Marks the connection carrying {@code stream} as past its handshake; nothing if it holds no slot. */
    static void settle(Channel stream) {
        Channel ch = stream instanceof QuicStreamChannel s ? s.parent() : stream;
        Slot slot = ch == null ? null : ch.attr(SLOT).get();
        if (slot != null) {
            slot.settled();
        }
    }
}
