package dev.alknet.client.socks;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts ByteBuf leaks Netty's detector finds. {@link #install()} must run before the first ByteBuf class is
 * initialised, i.e. from the static initialiser of every test class that uses Netty.
 */
final class NettyLeaks {

    private static final AtomicInteger LEAKS = new AtomicInteger();

    static {
        TestLogging.configure(); // before Netty's logger factory initialises slf4j
        System.setProperty("io.netty.leakDetection.level", "paranoid");
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new ResourceLeakDetectorFactory() {
            @Override
            public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> type, int interval, long maxActive) {
                return new ResourceLeakDetector<T>(type, interval) {
                    @Override
                    protected boolean needReport() {
                        return true;
                    }

                    @Override
                    protected void reportTracedLeak(String resourceType, String records) {
                        LEAKS.incrementAndGet();
                        super.reportTracedLeak(resourceType, records);
                    }

                    @Override
                    protected void reportUntracedLeak(String resourceType) {
                        LEAKS.incrementAndGet();
                        super.reportUntracedLeak(resourceType);
                    }
                };
            }
        });
    }

    private NettyLeaks() {
    }

    static void install() {
        // the static initialiser does the work
    }

    /** Collects garbage and lets the detector look at it; returns the leaks found so far. */
    static int leaks() throws InterruptedException {
        for (int round = 0; round < 5; round++) {
            collected();
            for (int i = 0; i < 100; i++) { // every tracked allocation drains the detector's queue
                ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(16);
                b.release();
            }
        }
        return LEAKS.get();
    }

    /** Runs the GC until a reference made now is cleared and enqueued: the GC has handed its references over. */
    private static void collected() throws InterruptedException {
        ReferenceQueue<Object> queue = new ReferenceQueue<>();
        WeakReference<Object> sentinel = new WeakReference<>(new Object(), queue);
        for (int i = 0; i < 50; i++) { // bounded: 5 s
            System.gc();
            if (queue.remove(100) != null) {
                break;
            }
        }
        Reference.reachabilityFence(sentinel);
    }
}
