package dev.alknet.core.udp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.sshd.common.io.AbstractIoWriteFuture;
import org.apache.sshd.common.io.IoOutputStream;
import org.apache.sshd.common.io.IoWriteFuture;
import org.apache.sshd.common.util.buffer.Buffer;
import org.junit.jupiter.api.Test;

class UdpFrameWriterTest {

    /** Completes writes only when told to, like a channel waiting for window space. */
    static final class ManualStream implements IoOutputStream {
        final List<Future> writes = new ArrayList<>();
        final ByteArrayOutputStream written = new ByteArrayOutputStream();

        static final class Future extends AbstractIoWriteFuture {
            Future() {
                super("test", null);
            }

            void done(Object v) {
                setValue(v);
            }
        }

        @Override
        public IoWriteFuture writeBuffer(Buffer buffer) {
            written.writeBytes(buffer.getCompactData());
            Future f = new Future();
            writes.add(f);
            return f;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public org.apache.sshd.common.future.CloseFuture close(boolean immediately) {
            return null;
        }

        @Override
        public void addCloseFutureListener(org.apache.sshd.common.future.SshFutureListener<org.apache.sshd.common.future.CloseFuture> l) {
        }

        @Override
        public void removeCloseFutureListener(org.apache.sshd.common.future.SshFutureListener<org.apache.sshd.common.future.CloseFuture> l) {
        }

        @Override
        public boolean isClosed() {
            return false;
        }

        @Override
        public boolean isClosing() {
            return false;
        }
    }

    @Test
    void framesQueuedDuringAWriteGoOutTogetherInOrderAndTheBudgetDropsTheRest() {
        ManualStream out = new ManualStream();
        UdpFrameWriter w = new UdpFrameWriter(out, 10, e -> { });
        assertTrue(w.offer(new byte[] {1, 1, 1}));
        assertEquals(1, out.writes.size());
        assertTrue(w.offer(new byte[] {2, 2, 2, 2}));
        assertTrue(w.offer(new byte[] {3, 3, 3, 3, 3, 3}));
        assertFalse(w.offer(new byte[] {4}), "over the 10-byte budget");
        assertEquals(1, w.dropped());
        out.writes.get(0).done(Boolean.TRUE);
        assertEquals(2, out.writes.size(), "one write for both queued frames");
        out.writes.get(1).done(Boolean.TRUE);
        assertArrayEquals(new byte[] {1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3}, out.written.toByteArray());
        assertTrue(w.offer(new byte[] {5}));
        assertEquals(3, out.writes.size());
    }

    @Test
    void aFailedWriteIsReportedOnceAndLaterFramesAreDropped() {
        ManualStream out = new ManualStream();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        UdpFrameWriter w = new UdpFrameWriter(out, 100, failure::set);
        w.offer(new byte[] {1});
        w.offer(new byte[] {2});
        out.writes.get(0).done(new IOException("channel closed"));
        assertEquals("channel closed", failure.get().getMessage());
        assertFalse(w.offer(new byte[] {3}));
        assertEquals(1, out.writes.size());
    }
}
