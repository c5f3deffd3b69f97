package dev.alknet.tun;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * A named network namespace made by a test (testkit's {@link dev.alknet.testkit.Netns}: made, named and removed
 * there). Code of the test JVM can run inside it on threads that {@code setns} first (threads they start inherit the
 * namespace).
 */
final class Netns extends dev.alknet.testkit.Netns {

    static final String PREFIX = "atun";

    private Netns(String name) {
        super(name);
    }

    /** Skips the test unless it can make namespaces and TUN devices (root, /dev/net/tun, iproute2). */
    static void assumeRoot() {
        assumeTrue(Preflight.euid() == 0, "needs root");
        assumeTrue(Files.exists(Path.of("/dev/net/tun")), "needs /dev/net/tun");
        assumeTrue(Preflight.ipBinary() != null, "needs iproute2");
    }

    /** A fresh namespace named atun-PID-N-TAG (stale ones of dead test JVMs are removed first). */
    static Netns create(String tag) throws IOException {
        Netns ns = new Netns(freshName(PREFIX, tag));
        ns.add();
        return ns;
    }

    /** Moves the calling thread into this namespace (for good). */
    void enter() {
        int fd = LibC.get().open(path().toString(), LibC.O_RDONLY | LibC.O_CLOEXEC);
        try {
            LibC.get().setns(fd, LibC.CLONE_NEWNET);
        } finally {
            LibC.get().close(fd);
        }
    }

    /** Runs {@code c} on a new thread inside this namespace and returns its result. */
    <T> T call(Callable<T> c) throws Exception {
        FutureTask<T> task = new FutureTask<>(c);
        Thread t = new Thread(() -> {
            enter();
            task.run();
        }, "in-" + name);
        t.setDaemon(true);
        t.start();
        return task.get(20, TimeUnit.SECONDS);
    }

    /** Daemon threads that enter this namespace before running. */
    ThreadFactory threads(String prefix) {
        return r -> {
            Thread t = new Thread(() -> {
                enter();
                r.run();
            }, prefix);
            t.setDaemon(true);
            return t;
        };
    }
}
