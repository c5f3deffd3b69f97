package dev.alknet.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alknet.client.socks.SocksOptions;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Regression test for a hang: the client relay once wrote channel data from the SOCKS event loop without marking
 * it MINA-internal, so during a key re-exchange MINA parked that event loop, which was also the one that had to
 * read the KEX reply; the tunnel stopped for good after about 1 GiB (the default re-key limit). Here the re-key
 * limit is 4 MiB on both ends and four streams echo 24 MiB each, both directions at once, through the real SOCKS
 * port: dozens of re-keys in the middle of full-duplex traffic, every byte checked.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
@ExtendWith(FailOnLoopStall.class)
class RekeyUnderLoadEndToEndTest {

    /** MINA reads unset properties from system properties with this prefix (SyspropsMapWrapper). */
    private static final String REKEY_PROPERTY = "org.apache.sshd.config.rekey-bytes-limit";
    private static final long REKEY_BYTES = 4L << 20;
    private static final int STREAMS = 4;
    private static final int BYTES_PER_STREAM = 24 << 20;

    @BeforeEach
    void lowRekeyLimit() {
        System.setProperty(REKEY_PROPERTY, Long.toString(REKEY_BYTES));
    }

    @AfterEach
    void defaultRekeyLimit() {
        System.clearProperty(REKEY_PROPERTY);
    }

    @Test
    void fullDuplexStreamsStayByteExactAcrossManyRekeys() throws Exception {
        E2e.Keys keys = E2e.keys();
        ExecutorService workers = E2e.daemonPool(2 * STREAMS, "rekey-load");
        try (E2e.EchoServer echo = new E2e.EchoServer(STREAMS + 2);
                E2e.Server server = E2e.server(keys, (h, p, s) -> true);
                E2e.Client client = E2e.client(E2e.clientOptions(keys, server.port()), SocksOptions.defaults()).up()) {
            ClientSession session = (ClientSession) client.supervisor.session().get(15, TimeUnit.SECONDS).mina();
            AtomicInteger keyExchanges = new AtomicInteger();
            session.addSessionListener(new SessionListener() {
                @Override
                public void sessionEvent(Session s, Event event) {
                    if (event == Event.KeyEstablished) {
                        keyExchanges.incrementAndGet();
                    }
                }
            });
            List<CompletableFuture<Void>> all = new ArrayList<>();
            for (int i = 0; i < STREAMS; i++) {
                int seed = i;
                all.add(CompletableFuture.runAsync(() -> echoStream(client.socksPort(), echo.port(), seed, workers),
                        workers));
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(150, TimeUnit.SECONDS);
            long total = 2L * STREAMS * BYTES_PER_STREAM;
            assertTrue(keyExchanges.get() >= total / REKEY_BYTES / 4,
                    "the test must re-key many times; it saw " + keyExchanges.get() + " key exchanges");
            System.out.println(STREAMS + " x " + (BYTES_PER_STREAM >> 20) + " MiB echoed across "
                    + keyExchanges.get() + " key exchanges");
        } finally {
            workers.shutdownNow();
        }
    }

    /** Writes seeded random bytes on one thread while this one reads the echo back and compares digests. */
    private static void echoStream(int socksPort, int echoPort, int seed, ExecutorService workers) {
        try (Socket s = E2e.socksSocket(socksPort)) {
            s.getOutputStream().write(E2e.request(1, "127.0.0.1", echoPort));
            int rep = E2e.readReply(s.getInputStream());
            assertTrue(rep == 0, "SOCKS reply " + rep);
            s.setSoTimeout(60_000);
            MessageDigest sent = MessageDigest.getInstance("SHA-256");
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    OutputStream out = s.getOutputStream();
                    SplittableRandom random = new SplittableRandom(seed);
                    byte[] chunk = new byte[64 * 1024];
                    for (int done = 0; done < BYTES_PER_STREAM; done += chunk.length) {
                        random.nextBytes(chunk);
                        sent.update(chunk);
                        out.write(chunk);
                    }
                    s.shutdownOutput();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, workers);
            MessageDigest received = MessageDigest.getInstance("SHA-256");
            InputStream in = s.getInputStream();
            byte[] buf = new byte[64 * 1024];
            long got = 0;
            int n;
            while ((n = in.read(buf)) > 0) {
                received.update(buf, 0, n);
                got += n;
            }
            writer.get(60, TimeUnit.SECONDS);
            assertTrue(got == BYTES_PER_STREAM, "stream " + seed + ": " + got + " bytes back");
            assertArrayEquals(sent.digest(), received.digest(), "stream " + seed + " echoed byte for byte");
        } catch (Exception e) {
            throw new IllegalStateException("stream " + seed, e);
        }
    }
}
