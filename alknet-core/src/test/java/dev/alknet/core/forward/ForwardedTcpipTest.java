package dev.alknet.core.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alknet.core.channel.ChannelOpener;
import dev.alknet.core.channel.ChannelRelay;
import dev.alknet.core.channel.RelayDirectTcpip;
import dev.alknet.core.config.HostPort;
import dev.alknet.core.config.SshDefaults;
import dev.alknet.core.keys.KeyFiles;
import dev.alknet.core.ssh.SshSession;
import dev.alknet.core.ssh.TransportSshClient;
import dev.alknet.core.ssh.TransportSshServer;
import dev.alknet.testkit.Await;
import dev.alknet.transport.Endpoint;
import dev.alknet.transport.TransportListener;
import dev.alknet.transport.tcp.TcpTransport;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.sshd.client.ClientBuilder;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.RequestHandler;
import org.apache.sshd.common.channel.exception.SshChannelOpenException;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.server.ServerBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code -R} between core's two ends over a real SSH session on loopback: the client asks with
 * {@link RemoteForwarding}, the server answers through {@link TcpipForwardRequests} (a {@link RemoteListen} that
 * hands out ports without binding), then opens {@code forwarded-tcpip} channels itself, as a hostile server could.
 * The client ({@link ForwardedTcpipChannels}) may connect only to the target of a forward it asked for and its
 * filter admits.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ForwardedTcpipTest {

    private static final int FIRST_PORT = 40000;

    private TransportSshServer sshd;
    private TransportListener listener;
    private TransportSshClient client;
    private KeyPair user;
    private ServerSocket target;
    private final AtomicInteger accepted = new AtomicInteger();
    private final List<Socket> held = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final AtomicInteger ports = new AtomicInteger(FIRST_PORT);
    private final CompletableFuture<SshSession> serverSide = new CompletableFuture<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    @BeforeEach
    void start() throws Exception {
        target = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (!target.isClosed()) {
                try {
                    // Held open until the test ends: a target that hung up at once would close the channel
                    // before the test could see it open.
                    held.add(target.accept());
                    accepted.incrementAndGet();
                } catch (Exception e) {
                    return;
                }
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
        KeyPair hostKey = KeyFiles.generate();
        user = KeyFiles.generate();
        sshd = (TransportSshServer) ServerBuilder.builder().factory(TransportSshServer::new).build();
        SshDefaults.apply(sshd);
        sshd.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
        sshd.setPublickeyAuthenticator((u, k, s) -> k.equals(user.getPublic()));
        List<RequestHandler<ConnectionService>> global = new ArrayList<>(sshd.getGlobalRequestHandlers());
        global.add(0, new TcpipForwardRequests(new RemoteListen() {
            @Override
            public int listen(SshSession session, HostPort requested) {
                return ports.incrementAndGet();
            }

            @Override
            public void cancel(SshSession session, HostPort requested) {
            }
        }));
        sshd.setGlobalRequestHandlers(global);
        sshd.onLogin(serverSide::complete);
        sshd.startUnbound();
        listener = new TcpTransport(Duration.ofSeconds(5)).listen(new Endpoint("tcp", "127.0.0.1", 0), s -> {
            try {
                sshd.attach(s);
            } catch (Exception e) {
                s.close();
            }
        });
        client = (TransportSshClient) ClientBuilder.builder()
                .factory(() -> new TransportSshClient(new TcpTransport(Duration.ofSeconds(5)))).build();
        SshDefaults.apply(client);
        client.setServerKeyVerifier((s, a, k) -> k.equals(hostKey.getPublic()));
        HostPort allowed = new HostPort("127.0.0.1", target.getLocalPort());
        ForwardedTcpipChannels.acceptOn(client, allowed::equals);
        client.start();
    }

    @AfterEach
    void stop() throws Exception {
        timer.shutdownNow();
        client.stop();
        listener.close();
        sshd.stop(true);
        target.close();
        for (Socket s : held) {
            s.close();
        }
    }

    private SshSession connect() throws Exception {
        ClientSession session = client.connect("alknet",
                InetSocketAddress.createUnresolved("127.0.0.1", listener.localAddress().getPort()))
                .verify(10, TimeUnit.SECONDS).getSession();
        session.addPublicKeyIdentity(user);
        session.auth().verify(10, TimeUnit.SECONDS);
        return SshSession.of(session);
    }

    /** The server opens a forwarded-tcpip channel to the client, as for a connection to its listener on port. */
    private CompletableFuture<RelayDirectTcpip> serverOpens(int port) throws Exception {
        return ChannelOpener.forwardedTcpip(serverSide.get(10, TimeUnit.SECONDS).channels(),
                new HostPort("localhost", port), new HostPort("127.0.0.1", 50000), Duration.ofSeconds(10), timer,
                new AtomicInteger()).result();
    }

    private int refusalOf(int port) throws Exception {
        ExecutionException e = assertThrows(ExecutionException.class, () -> serverOpens(port).get(10, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof SshChannelOpenException, e.toString());
        return ((SshChannelOpenException) e.getCause()).getReasonCode();
    }

    @Test
    void aServerCannotMakeTheClientDialWhereNoForwardGoes() throws Exception {
        SshSession session = connect();
        // No -R at all: any port.
        assertEquals(SshConstants.SSH_OPEN_ADMINISTRATIVELY_PROHIBITED, refusalOf(FIRST_PORT + 1));
        // A -R whose target the client's filter does not admit (not one of its specs).
        HostPort elsewhere = RemoteForwarding.request(session, new HostPort("localhost", 0),
                new HostPort("10.0.0.1", 80));
        assertEquals(SshConstants.SSH_OPEN_ADMINISTRATIVELY_PROHIBITED, refusalOf(elsewhere.port()));
        // The port of a forward of ours, cancelled: gone.
        HostPort ours = RemoteForwarding.request(session, new HostPort("localhost", 0),
                new HostPort("127.0.0.1", target.getLocalPort()));
        RemoteForwarding.cancel(session, ours);
        assertEquals(SshConstants.SSH_OPEN_ADMINISTRATIVELY_PROHIBITED, refusalOf(ours.port()));
        assertEquals(0, accepted.get(), "the client connected nowhere");
    }

    @Test
    void aForwardOfOursReachesItsTarget() throws Exception {
        SshSession session = connect();
        HostPort bound = RemoteForwarding.request(session, new HostPort("localhost", 0),
                new HostPort("127.0.0.1", target.getLocalPort()));
        assertEquals(new HostPort("localhost", FIRST_PORT + 1), bound, "the server's port, the host as asked");
        RelayDirectTcpip channel = serverOpens(bound.port()).get(10, TimeUnit.SECONDS);
        assertTrue(channel.isOpen());
        Await.await(() -> accepted.get() > 0, Duration.ofSeconds(10), "the target's accept");
        assertEquals(1, accepted.get(), "the client connected to the forward's target");
        ChannelRelay.closeNow(channel);
    }
}
