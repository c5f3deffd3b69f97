package dev.alknet.core.udp;

import java.io.IOException;
import java.util.function.Consumer;

/**
 * Cuts the {@value UdpFrames#CHANNEL_TYPE} byte stream back into frame bodies, whatever the SSH packet
 * boundaries. Not thread-safe: MINA hands a channel's data over in order, one packet at a time.
 */
public final class UdpFrameDecoder {

    /** A length field outside {@link UdpFrames#MIN_BODY}..{@link UdpFrames#MAX_BODY}: the stream is unusable. */
    public static final class BadFrameException extends IOException {
        private static final long serialVersionUID = 1L;

        BadFrameException(String message) {
            super(message);
        }
    }

    private final byte[] length = new byte[UdpFrames.LENGTH_FIELD];
    private int lengthFill;
    private byte[] body;
    private int bodyFill;

    /** Consumes {@code len} bytes and hands every body completed by them to {@code frames}, in order. */
    public void feed(byte[] data, int off, int len, Consumer<byte[]> frames) throws BadFrameException {
        int end = off + len;
        int i = off;
        while (i < end) {
            if (body == null) {
                int n = Math.min(UdpFrames.LENGTH_FIELD - lengthFill, end - i);
                System.arraycopy(data, i, length, lengthFill, n);
                lengthFill += n;
                i += n;
                if (lengthFill == UdpFrames.LENGTH_FIELD) {
                    body = new byte[checkedLength()];
                    bodyFill = 0;
                    lengthFill = 0;
                }
            } else {
                int n = Math.min(body.length - bodyFill, end - i);
                System.arraycopy(data, i, body, bodyFill, n);
                bodyFill += n;
                i += n;
            }
            if (body != null && bodyFill == body.length) {
                byte[] done = body;
                body = null;
                frames.accept(done);
            }
        }
    }

    private int checkedLength() throws BadFrameException {
        long n = ((length[0] & 0xFFL) << 24) | ((length[1] & 0xFF) << 16) | ((length[2] & 0xFF) << 8)
                | (length[3] & 0xFF);
        if (n < UdpFrames.MIN_BODY || n > UdpFrames.MAX_BODY) {
            throw new BadFrameException("frame length " + n + " (expected " + UdpFrames.MIN_BODY + ".."
                    + UdpFrames.MAX_BODY + ")");
        }
        return (int) n;
    }
}
