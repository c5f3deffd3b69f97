package dev.alknet.server.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.alknet.core.config.HostPort;
import dev.alknet.core.ssh.SshSession;
import dev.alknet.transport.EventLoops;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.io.IoSession;
import org.apache.sshd.common.session.Session;
import org.junit.jupiter.api.Test;

class RemoteListenersTest {

    /**
     * Two sessions on two loops asking for a listener at the same moment (two clients starting with {@code -R}, as
     * RemoteDynamicForwardEndToEndTest does): each loop waits for its bind. When each bind ran on the other's loop,
     * both loops waited for each other for ever, and every session on them went silent.
     */
    @Test
    void sessionsOnTwoLoopsBindAtTheSameMoment() throws Exception {
        List<EventLoop> loops = new ArrayList<>();
        for (EventExecutor e : EventLoops.group()) {
            loops.add((EventLoop) e);
        }
        assumeTrue(loops.size() >= 2, "one loop: nothing to cross");
        RemoteListeners listeners = new RemoteListeners(new ServerForwardingFilter(false));
        try {
            CyclicBarrier together = new CyclicBarrier(2);
            List<Future<Integer>> bound = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                SshSession session = SshSession.of(fakeSession("session-" + i));
                bound.add(loops.get(i).submit(() -> {
                    together.await(10, TimeUnit.SECONDS);
                    return listeners.listen(session, new HostPort("127.0.0.1", 0));
                }));
            }
            for (Future<Integer> f : bound) {
                assertTrue(f.await(20, TimeUnit.SECONDS), "a session's loop is stuck in its bind");
                assertTrue(f.isSuccess(), String.valueOf(f.cause()));
                assertTrue(f.getNow() > 0);
            }
            assertEquals(2, listeners.count());
        } finally {
            listeners.closeAll();
        }
    }

    /** A bind host is never looked up on the session's loop: literals and localhost only, a name is refused. */
    @Test
    void bindHostsAreLiteralsOrLocalhostNeverLookedUp() throws Exception {
        assertEquals(InetAddress.getLoopbackAddress(), RemoteListeners.bindAddress("localhost"));
        assertEquals(InetAddress.getByName("0.0.0.0"), RemoteListeners.bindAddress("0.0.0.0"));
        assertEquals(InetAddress.getByName("::1"), RemoteListeners.bindAddress("[::1]"));
        assertEquals(InetAddress.getByName("127.0.0.2"), RemoteListeners.bindAddress("127.0.0.2"));
        for (String name : new String[] {"slow.attacker.example", "*", "localhost.attacker.example", "1.2.3.256"}) {
            IOException e = assertThrows(IOException.class, () -> RemoteListeners.bindAddress(name), name);
            assertTrue(e.getMessage().contains("give an IP address or localhost"), e.getMessage());
        }
    }

    /** Just enough of a MINA session for the listeners: open, a user, a peer address, no grant, identity equality. */
    private static Session fakeSession(String name) {
        IoSession io = (IoSession) Proxy.newProxyInstance(IoSession.class.getClassLoader(),
                new Class<?>[] {IoSession.class}, (proxy, m, args) -> switch (m.getName()) {
                    case "getRemoteAddress" -> new InetSocketAddress("127.0.0.1", 40000);
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> name + "-io";
                    default -> throw new UnsupportedOperationException(m.getName());
                });
        return (Session) Proxy.newProxyInstance(Session.class.getClassLoader(), new Class<?>[] {Session.class},
                (proxy, m, args) -> switch (m.getName()) {
                    case "isOpen" -> true;
                    case "getUsername" -> "alknet";
                    case "getIoSession" -> io;
                    case "addCloseFutureListener", "getAttribute" -> null;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> name;
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }
}
