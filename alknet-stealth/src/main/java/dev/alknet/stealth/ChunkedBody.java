package dev.alknet.stealth;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/** A chunked body parser that only skips: sizes, extensions, data, trailers. */
final class ChunkedBody {
    private enum S { SIZE, DATA, DATA_END, TRAILER, DONE, FAILED }

    private S s = S.SIZE;
    private long left;

    boolean done() {
        return s == S.DONE;
    }

    boolean failed() {
        return s == S.FAILED;
    }

    boolean skip(ByteBuf in) {
        while (in.isReadable() && s != S.DONE && s != S.FAILED) {
            switch (s) {
                case SIZE, TRAILER, DATA_END -> {
                    int lf = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
                    if (lf < 0) {
                        if (in.readableBytes() > 4096) {
                            s = S.FAILED;
                        }
                        return false;
                    }
                    String line = in.toString(in.readerIndex(), lf - in.readerIndex(), StandardCharsets.ISO_8859_1)
                            .strip();
                    in.readerIndex(lf + 1);
                    if (s == S.DATA_END) {
                        s = line.isEmpty() ? S.SIZE : S.FAILED;
                    } else if (s == S.TRAILER) {
                        if (line.isEmpty()) {
                            s = S.DONE;
                        }
                    } else {
                        int semi = line.indexOf(';');
                        try {
                            left = Long.parseLong(semi < 0 ? line : line.substring(0, semi).strip(), 16);
                            s = left == 0 ? S.TRAILER : left < 0 ? S.FAILED : S.DATA;
                        } catch (NumberFormatException e) {
                            s = S.FAILED;
                        }
                    }
                }
                case DATA -> {
                    int n = (int) Math.min(left, in.readableBytes());
                    in.skipBytes(n);
                    left -= n;
                    if (left == 0) {
                        s = S.DATA_END;
                    }
                }
                default -> {
                }
            }
        }
        return s == S.DONE;
    }
}
