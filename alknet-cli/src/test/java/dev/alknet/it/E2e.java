package dev.alknet.it;

import dev.alknet.client.ClientOptions;
import dev.alknet.client.TunnelConnector;
import dev.alknet.client.TunnelSupervisor;
import dev.alknet.client.socks.SocksOptions;
import dev.alknet.client.socks.SocksServer;
import dev.alknet.core.config.AlknetHome;
import dev.alknet.core.config.ServerAddress;
import dev.alknet.core.hostkeys.HostKeyPolicy;
import dev.alknet.core.keys.KeyFiles;
import dev.alknet.server.AlknetServer;
import dev.alknet.server.ServerOptions;
import dev.alknet.server.dial.DestinationPolicy;
import dev.alknet.server.dial.DirectDialer;
import dev.alknet.server.dial.DirectTcpipChannelFactory;
import dev.alknet.testkit.Await;
import dev.alknet.testkit.Eventually;
import dev.alknet.testkit.Ports;
import dev.alknet.testkit.Socks5Probe;
import dev.alknet.transport.TransportSettings;
import dev.alknet.transport.Transports;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.session.Session;

/** Shared pieces of the end-to-end tests: keys, an in-process server and client with counters, raw SOCKS5. */
final class E2e {

    static final int SUCCEEDED = 0;
    static final int GENERAL_FAILURE = 1;
    static final int FORBIDDEN = 2;
    static final int NETWORK_UNREACHABLE = 3;
    static final int HOST_UNREACHABLE = 4;
    static final int REFUSED = 5;
    static final int TTL_EXPIRED = 6;
    static final int COMMAND_UNSUPPORTED = 7;
    static final int ADDRESS_UNSUPPORTED = 8;

    static final int CONNECT = 1;
    static final int BIND = 2;
    static final int UDP_ASSOCIATE = 3;

    private E2e() {
    }

    // ---- keys and homes ----

    /** A scratch home with a client identity (authorized) and a server host key. */
    record Keys(Path dir, AlknetHome home, KeyPair identity, KeyPair hostKey) {
    }

    static Keys keys() throws IOException {
        Path dir = Files.createTempDirectory("alknet-e2e-");
        AlknetHome home = new AlknetHome(dir).ensureExists();
        KeyPair identity = KeyFiles.loadOrCreate(home.identity(), "e2e").pair();
        Files.writeString(home.authorizedKeys(), KeyFiles.publicKeyLine(identity.getPublic(), "e2e") + "\n");
        KeyPair hostKey = KeyFiles.loadOrCreate(home.hostKey(), "e2e-host").pair();
        return new Keys(dir, home, identity, hostKey);
    }

    // ---- server ----

    /** Counts the server's live {@code direct-tcpip} channels (created and not yet closed). */
    static final class CountingChannels implements ChannelFactory {
        final ChannelFactory inner;
        final AtomicInteger live = new AtomicInteger();
        final AtomicInteger created = new AtomicInteger();

        CountingChannels(ChannelFactory inner) {
            this.inner = inner;
        }

        @Override
        public String getName() {
            return inner.getName();
        }

        @Override
        public Channel createChannel(Session session) throws IOException {
            Channel c = inner.createChannel(session);
            created.incrementAndGet();
            live.incrementAndGet();
            c.addCloseFutureListener(f -> live.decrementAndGet());
            return c;
        }
    }

    /** An in-process alknet server on a loopback port with channel counters. */
    static final class Server implements AutoCloseable {
        final AlknetServer server;
        final CountingChannels channels;

        Server(AlknetServer server, CountingChannels channels) {
            this.server = server;
            this.channels = channels;
        }

        int port() {
            return server.listeners().get(0).localAddress().getPort();
        }

        int sessions() {
            return server.sessionCount();
        }

        int liveChannels() {
            return channels.live.get();
        }

        @Override
        public void close() {
            server.close();
        }
    }

    static Server server(Keys keys, DestinationPolicy policy) throws IOException {
        CountingChannels channels = new CountingChannels(new DirectTcpipChannelFactory(new DirectDialer(), policy));
        AlknetServer s = AlknetServer.start(new ServerOptions(List.of(ServerAddress.parse("tcp://127.0.0.1:0", true)),
                keys.hostKey(), keys.home().authorizedKeys(),
                a -> Transports.create(a.scheme(), TransportSettings.defaults()), 6), channels);
        return new Server(s, channels);
    }

    // ---- client ----

    static ClientOptions clientOptions(KeyPair identity, Path knownHosts, int port, HostKeyPolicy policy,
            String pin, Duration connectWait) {
        ServerAddress target = ServerAddress.parse("tcp://127.0.0.1:" + port, false);
        return new ClientOptions(target, Transports.create("tcp", TransportSettings.defaults()), identity, knownHosts,
                policy, pin, Duration.ofSeconds(10), connectWait, Duration.ofSeconds(15), 3);
    }

    static ClientOptions clientOptions(Keys keys, int port) {
        return clientOptions(keys.identity(), keys.home().knownHosts(), port, HostKeyPolicy.TRUST_ON_FIRST_USE, null,
                Duration.ofSeconds(10));
    }

    /**
     * The client assembled exactly as {@code AlknetClient.start} does (supervisor, then SOCKS listener, then the
     * first connect), but with the test's {@link SocksOptions} and access to the listener's counters.
     */
    static final class Client implements AutoCloseable {
        final TunnelSupervisor supervisor;
        final SocksServer socks;

        Client(TunnelSupervisor supervisor, SocksServer socks) {
            this.supervisor = supervisor;
            this.socks = socks;
        }

        int socksPort() {
            return socks.localAddress().getPort();
        }

        /** Waits until the tunnel is up (a session is handed out). */
        Client up() throws Exception {
            supervisor.session().get(15, TimeUnit.SECONDS);
            return this;
        }

        @Override
        public void close() {
            socks.closeAll();
            supervisor.close();
        }
    }

    static Client client(ClientOptions options, SocksOptions socksOptions) {
        TunnelSupervisor supervisor = new TunnelSupervisor(new TunnelConnector(options), options.connectWait());
        SocksServer socks = SocksServer.start(new InetSocketAddress("127.0.0.1", 0), supervisor, socksOptions);
        supervisor.start();
        return new Client(supervisor, socks);
    }

    // ---- an echo destination with a fixed set of threads (so thread counts stay put) ----

    /** Echoes every connection until EOF, then half-closes; a fixed thread pool, started up front. */
    static final class EchoServer implements AutoCloseable {
        private final ServerSocket listener;
        private final ThreadPoolExecutor workers;
        private final Thread acceptor;
        final AtomicInteger accepted = new AtomicInteger();
        final List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());

        EchoServer(int threads) throws IOException {
            listener = new ServerSocket();
            listener.bind(new InetSocketAddress(InetAddress.getByName("::"), 0), 1024);
            workers = (ThreadPoolExecutor) Executors.newFixedThreadPool(threads, r -> {
                Thread t = new Thread(r, "echo");
                t.setDaemon(true);
                return t;
            });
            workers.prestartAllCoreThreads();
            acceptor = new Thread(this::acceptLoop, "echo-accept");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return listener.getLocalPort();
        }

        private void acceptLoop() {
            while (!listener.isClosed()) {
                Socket s;
                try {
                    s = listener.accept();
                } catch (IOException e) {
                    return;
                }
                accepted.incrementAndGet();
                workers.execute(() -> {
                    try (s) {
                        s.setSoTimeout(20_000);
                        InputStream in = s.getInputStream();
                        OutputStream out = s.getOutputStream();
                        byte[] buf = new byte[16 * 1024];
                        int n;
                        while ((n = in.read(buf)) > 0) {
                            out.write(buf, 0, n);
                        }
                        s.shutdownOutput();
                    } catch (IOException e) {
                        errors.add(e);
                    }
                });
            }
        }

        @Override
        public void close() throws IOException {
            listener.close();
            workers.shutdownNow();
        }
    }

    /** A plain TCP relay in front of a port that counts the connections it accepted (e.g. SSH connect attempts). */
    static final class CountingRelay implements AutoCloseable {
        private final ServerSocket listener;
        private final int target;
        final AtomicInteger accepted = new AtomicInteger();
        private final List<Socket> sockets = java.util.Collections.synchronizedList(new ArrayList<>());

        CountingRelay(int targetPort) throws IOException {
            target = targetPort;
            listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            daemon("relay-accept", this::acceptLoop);
        }

        int port() {
            return listener.getLocalPort();
        }

        private void acceptLoop() {
            while (!listener.isClosed()) {
                try {
                    Socket in = listener.accept();
                    accepted.incrementAndGet();
                    Socket out = new Socket(InetAddress.getLoopbackAddress(), target);
                    sockets.add(in);
                    sockets.add(out);
                    daemon("relay-up", () -> pipe(in, out));
                    daemon("relay-down", () -> pipe(out, in));
                } catch (IOException e) {
                    return;
                }
            }
        }

        private static void pipe(Socket from, Socket to) {
            try {
                from.getInputStream().transferTo(to.getOutputStream());
                to.shutdownOutput();
            } catch (IOException e) {
                closeQuietly(from);
                closeQuietly(to);
            }
        }

        @Override
        public void close() throws IOException {
            listener.close();
            synchronized (sockets) {
                sockets.forEach(E2e::closeQuietly);
            }
        }
    }

    static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    static Thread daemon(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    // ---- SOCKS5 on the wire ----

    static Socket socksSocket(int socksPort) throws IOException {
        return Socks5Probe.open(new InetSocketAddress("127.0.0.1", socksPort), 20_000);
    }

    /** Greeting (NO_AUTH) followed by a request for {@code host} (IPv4, bracket-less IPv6 or a domain). */
    static byte[] request(int cmd, String host, int port) {
        byte[] v4 = io.netty.util.NetUtil.createByteArrayFromIpAddressString(host);
        if (v4 != null) {
            return request(cmd, v4.length == 4 ? 1 : 4, v4, port);
        }
        byte[] name = host.getBytes(StandardCharsets.US_ASCII);
        byte[] withLength = new byte[name.length + 1];
        withLength[0] = (byte) name.length;
        System.arraycopy(name, 0, withLength, 1, name.length);
        return request(cmd, 3, withLength, port);
    }

    /** Greeting (NO_AUTH) followed by a request with this ATYP and raw address bytes (length byte included). */
    static byte[] request(int cmd, int atyp, byte[] address, int port) {
        return Socks5Probe.greetingAndRequest(cmd, atyp, address, port);
    }

    /** Reads the method reply and the command reply; returns REP. */
    static int readReply(InputStream input) throws IOException {
        return Socks5Probe.readMethodAndReply(input);
    }

    /** One CONNECT (or other command) on a fresh connection; returns REP; the connection is closed after. */
    static int ask(int socksPort, int cmd, String host, int port) throws IOException {
        return Socks5Probe.ask(socksPort, request(cmd, host, port));
    }

    static int connect(int socksPort, String host, int port) throws IOException {
        return ask(socksPort, CONNECT, host, port);
    }

    /** What the peer did after the test stopped writing: the bytes it sent, and how it ended. */
    record Outcome(byte[] received, String end, long millis) {
        boolean closed() {
            return end.equals("eof") || end.equals("reset");
        }

        @Override
        public String toString() {
            return received.length + " byte(s) " + java.util.HexFormat.of().formatHex(received, 0,
                    Math.min(16, received.length)) + " then " + end + " after " + millis + " ms";
        }
    }

    /** Reads whatever comes until EOF, a reset or {@code limit}; never throws for those. */
    static Outcome drain(Socket s, Duration limit) throws IOException {
        long start = System.nanoTime();
        s.setSoTimeout((int) limit.toMillis());
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        String end;
        try {
            InputStream in = s.getInputStream();
            while (true) {
                int n = in.read(buf);
                if (n < 0) {
                    end = "eof";
                    break;
                }
                got.write(buf, 0, n);
            }
        } catch (SocketTimeoutException e) {
            end = "still open";
        } catch (EOFException e) {
            end = "eof";
        } catch (SocketException e) {
            end = "reset";
        }
        return new Outcome(got.toByteArray(), end, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }

    // ---- waiting, ports, process resources ----

    static void await(BooleanSupplier condition, Duration limit, Supplier<String> what) throws InterruptedException {
        Await.await(condition, limit, what);
    }

    /** {@link Ports#freePort()}: a loopback port free now, below the ephemeral range, never twice in one JVM. */
    static int freePort() throws IOException {
        return Ports.freePort();
    }

    /** Open file descriptors of this process. */
    static int openFds() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return (int) fds.count() - 1; // the directory stream itself
        }
    }

    /**
     * Live threads of this JVM, not counting fork-join workers: JUnit runs the concurrent test classes on a fork-join
     * pool that adds and retires workers on its own schedule (and the common pool does too), which says nothing of
     * what alknet left behind.
     */
    static int liveThreads() {
        return (int) Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && !(t instanceof java.util.concurrent.ForkJoinWorkerThread)).count();
    }

    /**
     * Before a baseline of {@link #liveThreads()}: waits (up to 10 s) for Netty's GlobalEventExecutor thread, which
     * ends about a second after its last task, to be gone (what a fixed pause of 1.5 s was for). Returns either way
     * after 10 s: a thread that keeps getting work belongs to the baseline, as it did after the pause.
     */
    static void awaitTransientThreadsGone() throws InterruptedException {
        Eventually.within(Duration.ofSeconds(10), () -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.isAlive() && t.getName().startsWith("globalEventExecutor")));
    }

    static ExecutorService daemonPool(int threads, String name) {
        return Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }
}
