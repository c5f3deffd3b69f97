package dev.alknet.transport.resume;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/** The clear-text lines before framing starts (identification, pre-version and resume lines). */
final class LineReader {

    private LineReader() {
    }

    /** Index just past the first LF in {@code b}, or -1. */
    static int lineEnd(ByteBuf b) {
        int i = b.indexOf(b.readerIndex(), b.writerIndex(), (byte) '\n');
        return i < 0 ? -1 : i + 1;
    }

    /** Reads one line (without its LF or CR LF) from {@code b}, which must hold a whole one. */
    static String take(ByteBuf b) {
        int end = lineEnd(b);
        String line = text(b, end);
        b.readerIndex(end);
        return line;
    }

    /**
     * The line from the reader index to {@code end} (just past its LF), without that LF and one CR before it.
     * A CR elsewhere stays: it is part of the line, as it is for {@link #couldBe} while the line arrives.
     */
    static String text(ByteBuf b, int end) {
        int n = end - b.readerIndex() - 1;
        if (n > 0 && b.getByte(b.readerIndex() + n - 1) == '\r') {
            n--;
        }
        return b.toString(b.readerIndex(), n, StandardCharsets.US_ASCII);
    }

    /** Whether the bytes so far could still grow into {@code prefix}. */
    static boolean couldBe(ByteBuf b, String prefix) {
        int n = Math.min(b.readableBytes(), prefix.length());
        for (int i = 0; i < n; i++) {
            if (b.getByte(b.readerIndex() + i) != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
