package dev.alknet.stealth;

import io.netty.buffer.ByteBuf;

/**
 * The body of one request, framed by Content-Length or chunked and dropped as nginx's static module does:
 * nothing of it is kept, it is only read past so that the next request head can follow.
 */
final class RequestBody {

    /** nginx's {@code client_max_body_size}. */
    static final long MAX = 1024 * 1024;

    private long left;
    private ChunkedBody chunked;

    /**
     * Takes the framing from {@code h}'s headers: 0, or nginx's status for them (400 both or a bad length,
     * 501 another transfer coding, 413 too long; a too long body is still counted, to be dropped after the answer).
     */
    int frame(HttpHead h) {
        String te = h.header("transfer-encoding");
        String cl = h.header("content-length");
        left = 0;
        chunked = null;
        if (te != null) {
            if (cl != null) {
                return 400;
            }
            if (!te.equalsIgnoreCase("chunked")) {
                return 501;
            }
            chunked = new ChunkedBody();
        } else if (cl != null) {
            try {
                left = Long.parseLong(cl);
                if (left < 0 || !cl.chars().allMatch(Character::isDigit)) {
                    throw new NumberFormatException(cl);
                }
            } catch (NumberFormatException e) {
                return 400;
            }
            if (left > MAX) {
                return 413;
            }
        }
        return 0;
    }

    /** Drops body bytes from {@code in}; true when the body is complete (never once {@link #failed}). */
    boolean skip(ByteBuf in) {
        if (chunked != null) {
            boolean done = chunked.skip(in);
            if (chunked.failed()) {
                return false;
            }
            if (done) {
                chunked = null;
            }
            return done;
        }
        int n = (int) Math.min(left, in.readableBytes());
        in.skipBytes(n);
        left -= n;
        return left == 0;
    }

    /** A broken chunked body: nginx drops the connection. */
    boolean failed() {
        return chunked != null && chunked.failed();
    }

    /** Whether a body follows the head (the next read starts in it). */
    boolean pending() {
        return chunked != null || left > 0;
    }

    /** Whether part of the body is still unread. */
    boolean unfinished() {
        return left > 0 || chunked != null && !chunked.done();
    }
}
