package dev.alknet.core.bridge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.alknet.core.config.SshDefaults;
import dev.alknet.core.keys.KeyFiles;
import dev.alknet.core.ssh.TransportSshClient;
import dev.alknet.core.ssh.TransportSshServer;
import dev.alknet.transport.Endpoint;
import dev.alknet.transport.TransportListener;
import dev.alknet.transport.tcp.TcpTransport;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.client.ClientBuilder;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.ServerBuilder;
import org.apache.sshd.server.forward.AcceptAllForwardingFilter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * SSH over the Netty bridge, byte-exact through a real forward, while the server half-closes and a
 * re-key is forced near the end: the case that loses the tail with sshd-netty's own IoSession.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BridgeTransferTest {

    private TransportSshServer sshd;
    private TransportListener listener;
    private TransportSshClient client;

    @BeforeEach
    void start() throws Exception {
        KeyPair hostKey = KeyFiles.generate();
        KeyPair user = KeyFiles.generate();
        sshd = (TransportSshServer) ServerBuilder.builder().factory(TransportSshServer::new).build();
        SshDefaults.apply(sshd);
        CoreModuleProperties.REKEY_BYTES_LIMIT.set(sshd, 24L * 1024 * 1024);
        sshd.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
        sshd.setPublickeyAuthenticator((u, k, s) -> k.equals(user.getPublic()));
        sshd.setForwardingFilter(AcceptAllForwardingFilter.INSTANCE);
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
        client.start();
        this.user = user;
    }

    private KeyPair user;

    @AfterEach
    void stop() throws Exception {
        client.stop();
        listener.close();
        sshd.stop(true);
    }

    @Test
    void downloadWithHalfCloseAndRekeyIsByteExact() throws Exception {
        byte[] payload = new byte[64 * 1024 * 1024];
        new Random(42).nextBytes(payload);
        try (ServerSocket target = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> served = CompletableFuture.runAsync(() -> {
                try (Socket s = target.accept()) {
                    OutputStream out = s.getOutputStream();
                    out.write(payload);
                    out.flush();
                    s.shutdownOutput();
                    s.getInputStream().read();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            ClientSession session = client.connect("alknet",
                    InetSocketAddress.createUnresolved("127.0.0.1", listener.localAddress().getPort()))
                    .verify(10, TimeUnit.SECONDS).getSession();
            session.addPublicKeyIdentity(user);
            session.auth().verify(10, TimeUnit.SECONDS);
            SshdSocketAddress local = session.startLocalPortForwarding(new SshdSocketAddress("127.0.0.1", 0),
                    new SshdSocketAddress("127.0.0.1", target.getLocalPort()));
            try (Socket s = new Socket("127.0.0.1", local.getPort())) {
                InputStream in = s.getInputStream();
                byte[] got = in.readAllBytes();
                assertEquals(payload.length, got.length, "bytes received");
                assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(payload),
                        MessageDigest.getInstance("SHA-256").digest(got));
            }
            served.get(30, TimeUnit.SECONDS);
        }
    }
}
