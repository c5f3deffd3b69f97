package dev.alknet.stealth;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;

/**
 * Sends part of a file, one chunk per completed write: the peer's reading paces it, so a slow reader holds
 * one chunk of memory, not the file. A file that shrinks under us ends the response by closing, as in nginx.
 */
final class FileStreamer {

    private static final InternalLogger LOG = InternalLoggerFactory.getInstance(FileStreamer.class);
    private static final int CHUNK = 64 * 1024;

    /** What the streamer tells its web front. */
    interface Progress {
        /** A chunk is about to be written (the send timeout starts again). */
        void sending();

        /** The file could not be opened: nothing was sent. */
        void cannotOpen();

        /** The last chunk was written. */
        void done();
    }

    private final ChannelHandlerContext ctx;
    private final FileChannel fc;
    private final Progress progress;
    private final long end;
    private long pos;

    private FileStreamer(ChannelHandlerContext ctx, FileChannel fc, long from, long len, Progress progress) {
        this.ctx = ctx;
        this.fc = fc;
        this.progress = progress;
        this.pos = from;
        this.end = from + len;
    }

    /** Streams {@code len} bytes of {@code f} from {@code from}. */
    static void stream(ChannelHandlerContext ctx, StaticSite.Found f, long from, long len, Progress progress) {
        FileChannel fc;
        try {
            fc = FileChannel.open(f.file(), StandardOpenOption.READ);
        } catch (IOException e) {
            LOG.debug("cannot open {}: {}", f.file(), e.toString());
            progress.cannotOpen();
            return;
        }
        new FileStreamer(ctx, fc, from, len, progress).next();
    }

    private void next() {
        if (pos >= end || !ctx.channel().isActive()) {
            closeQuietly(fc);
            if (pos >= end) {
                progress.done();
            }
            return;
        }
        int n = (int) Math.min(CHUNK, end - pos);
        ByteBuf chunk = ctx.alloc().buffer(n);
        try {
            ByteBuffer bb = chunk.nioBuffer(0, n);
            int read = 0;
            while (read < n) {
                int r = fc.read(bb, pos + read);
                if (r < 0) {
                    break;
                }
                read += r;
            }
            if (read < n) {
                // the file shrank under us: nginx also ends such a response by closing
                chunk.release();
                closeQuietly(fc);
                ctx.flush();
                ctx.close();
                return;
            }
            chunk.writerIndex(n);
        } catch (IOException e) {
            chunk.release();
            closeQuietly(fc);
            ctx.close();
            return;
        }
        pos += n;
        progress.sending();
        ctx.writeAndFlush(chunk).addListener((ChannelFutureListener) w -> {
            if (w.isSuccess()) {
                next();
            } else {
                closeQuietly(fc);
                ctx.close();
            }
        });
    }

    private static void closeQuietly(FileChannel fc) {
        try {
            fc.close();
        } catch (IOException e) {
            // nothing to do
        }
    }
}
