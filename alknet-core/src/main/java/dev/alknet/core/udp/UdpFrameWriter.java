package dev.alknet.core.udp;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.function.Consumer;
import org.apache.sshd.common.io.IoOutputStream;
import org.apache.sshd.common.io.IoWriteFuture;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.apache.sshd.common.util.threads.ThreadUtils;

/**
 * Writes frames into a channel's {@link IoOutputStream} with UDP manners: one write in flight (MINA's rule),
 * frames queued meanwhile are sent together in the next write, and a frame that would take the queue past its
 * byte budget is dropped instead of waiting: a datagram late by a full SSH window is worth less than none.
 * Thread-safe; {@link #offer} never blocks.
 */
public final class UdpFrameWriter {

    /** Largest single write: what the queue holds at most, plus one frame. */
    private static final int MAX_BATCH = 256 * 1024;

    private final IoOutputStream out;
    private final int budget;
    private final Consumer<Throwable> onFailure;
    private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
    private int queued;
    private boolean writing;
    private boolean failed;
    private long dropped;

    /**
     * @param budget    bytes that may wait while a write is in flight
     * @param onFailure called once if a write fails (the channel is gone); later frames are dropped
     */
    public UdpFrameWriter(IoOutputStream out, int budget, Consumer<Throwable> onFailure) {
        this.out = out;
        this.budget = budget;
        this.onFailure = onFailure;
    }

    /** Queues a complete frame; false if it was dropped (queue full, or the channel failed). */
    public boolean offer(byte[] frame) {
        synchronized (queue) {
            if (failed || queued + frame.length > budget) {
                dropped++;
                return false;
            }
            queue.add(frame);
            queued += frame.length;
            if (writing) {
                return true;
            }
            writing = true;
        }
        writeNext();
        return true;
    }

    /** Frames dropped so far. */
    public long dropped() {
        synchronized (queue) {
            return dropped;
        }
    }

    private void writeNext() {
        byte[] batch;
        synchronized (queue) {
            if (queue.isEmpty() || failed) {
                writing = false;
                return;
            }
            batch = takeBatch();
        }
        IoWriteFuture f;
        try {
            // Internal: MINA queues it during a key exchange instead of parking the (event loop) caller.
            f = ThreadUtils.runAsInternal(new ByteArrayBuffer(batch), out::writeBuffer);
        } catch (IOException | RuntimeException e) {
            fail(e);
            return;
        }
        f.addListener(done -> {
            if (done.isWritten()) {
                writeNext();
            } else {
                fail(done.getException());
            }
        });
    }

    private byte[] takeBatch() {
        if (queue.size() == 1) {
            queued = 0;
            return queue.poll();
        }
        int size = 0;
        for (byte[] f : queue) {
            if (size > 0 && size + f.length > MAX_BATCH) {
                break;
            }
            size += f.length;
        }
        byte[] batch = new byte[size];
        int at = 0;
        while (at < size) {
            byte[] f = queue.poll();
            System.arraycopy(f, 0, batch, at, f.length);
            at += f.length;
        }
        queued -= size;
        return batch;
    }

    private void fail(Throwable e) {
        synchronized (queue) {
            if (failed) {
                return;
            }
            failed = true;
            writing = false;
            queue.clear();
            queued = 0;
        }
        onFailure.accept(e);
    }
}
