package dev.alknet.client.socks.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A chunked request body (RFC 9112 §7.1), parsed strictly and sent on re-encoded: the origin gets each chunk's
 * size in plain hex, the data unchanged, and a bare last chunk; chunk extensions and trailer fields are dropped.
 * So whatever the client wrote, the origin sees a body that ends exactly where this parser ended it. Lines must end
 * in CRLF (a bare LF is one of the smuggling tricks) and are bounded. Not thread-safe: one per request.
 */
final class ChunkedBody {

    static final int MAX_LINE = 4096;
    static final int MAX_TRAILERS = 16 * 1024;

    private enum State { SIZE, DATA, DATA_END, TRAILERS, DONE }

    private State state = State.SIZE;
    private long remaining;
    private int trailerBytes;

    /**
     * Consumes what it can of {@code in} and adds the bytes for the origin to {@code out}; returns true once the
     * body is complete (the bytes behind it stay in {@code in}).
     */
    boolean decode(ByteBuf in, List<Object> out) throws HttpProxyException {
        while (in.isReadable() && state != State.DONE) {
            switch (state) {
                case SIZE -> {
                    int len = lineLength(in, MAX_LINE);
                    if (len < 0) {
                        return false;
                    }
                    remaining = chunkSize(in.toString(in.readerIndex(), len - 2, StandardCharsets.ISO_8859_1));
                    in.skipBytes(len);
                    out.add(ascii(Long.toHexString(remaining) + "\r\n"));
                    state = remaining == 0 ? State.TRAILERS : State.DATA;
                }
                case DATA -> {
                    int n = (int) Math.min(remaining, in.readableBytes());
                    out.add(in.readRetainedSlice(n));
                    remaining -= n;
                    if (remaining == 0) {
                        state = State.DATA_END;
                    }
                }
                case DATA_END -> {
                    if (in.readableBytes() < 2) {
                        return false;
                    }
                    if (in.readByte() != '\r' || in.readByte() != '\n') {
                        throw bad("chunk data not followed by CRLF");
                    }
                    out.add(ascii("\r\n"));
                    state = State.SIZE;
                }
                case TRAILERS -> {
                    int len = lineLength(in, MAX_TRAILERS - trailerBytes);
                    if (len < 0) {
                        return false;
                    }
                    in.skipBytes(len);
                    trailerBytes += len;
                    if (len == 2) {
                        out.add(ascii("\r\n"));
                        state = State.DONE;
                    }
                }
                default -> throw new IllegalStateException(state.name());
            }
        }
        return state == State.DONE;
    }

    /**
     * Length of the CRLF-terminated line at the reader index, CRLF included, or -1 if it has not all arrived.
     * Refuses a line longer than {@code max}, a bare LF or CR, and control characters.
     */
    private static int lineLength(ByteBuf in, int max) throws HttpProxyException {
        int start = in.readerIndex();
        int end = start + Math.min(in.readableBytes(), max);
        for (int i = start; i < end; i++) {
            byte b = in.getByte(i);
            if (b == '\n') {
                throw bad("bare LF in chunked framing");
            }
            if (b == '\r') {
                if (i + 1 >= in.writerIndex()) {
                    return -1;
                }
                if (in.getByte(i + 1) != '\n') {
                    throw bad("bare CR in chunked framing");
                }
                return i + 2 - start;
            }
            if ((b < 0x20 && b != '\t') || b == 0x7f) {
                throw bad("control character in chunked framing");
            }
        }
        if (in.readableBytes() >= max) {
            throw bad("chunk line or trailers longer than allowed");
        }
        return -1;
    }

    /** {@code 1*HEXDIG [ BWS ";" ext ]}: the size, extensions ignored; no sign, no spaces before the digits. */
    static long chunkSize(String line) throws HttpProxyException {
        int i = 0;
        while (i < line.length() && isHex(line.charAt(i))) {
            i++;
        }
        if (i == 0 || i > 15) {
            throw bad("bad chunk size line");
        }
        int ext = i;
        while (ext < line.length() && (line.charAt(ext) == ' ' || line.charAt(ext) == '\t')) {
            ext++;
        }
        if (ext < line.length() && line.charAt(ext) != ';') {
            throw bad("bad chunk size line");
        }
        return Long.parseLong(line.substring(0, i), 16);
    }

    private static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private static ByteBuf ascii(String s) {
        return Unpooled.wrappedBuffer(s.getBytes(StandardCharsets.US_ASCII));
    }

    private static HttpProxyException bad(String why) {
        return new HttpProxyException(400, why);
    }
}
