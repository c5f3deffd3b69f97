package dev.alknet.transport.ws;

import static dev.alknet.transport.Streams.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alknet.transport.Endpoint;
import dev.alknet.transport.Streams;
import dev.alknet.transport.Transport;
import dev.alknet.transport.TransportContractTest;
import dev.alknet.transport.TransportException;
import dev.alknet.transport.TransportSettings;
import io.netty.channel.Channel;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** ws:// against its own listener: the transport contract (16 MiB echo, half-close, nothing read), paths. */
class WsTransportTest extends TransportContractTest {

    static final WsTransport SERVER = new WsTransport(TransportSettings.builder()
            .connectTimeout(Duration.ofSeconds(5)).ws(new WsOptions("/assets/socket", null)).build(), false);

    @Override
    protected Transport serverTransport() {
        return SERVER;
    }

    private static String failure(CompletableFuture<Channel> dial) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> dial.get());
        assertInstanceOf(TransportException.class, e.getCause());
        return e.getCause().getMessage();
    }

    @Test
    void anotherPathIsRefusedWithItsStatus() throws Exception {
        listen(ch -> ch.close());
        WsTransport wrong = new WsTransport(TransportSettings.builder().connectTimeout(Duration.ofSeconds(5))
                .ws(new WsOptions("/elsewhere", null)).build(), false);
        String why = failure(wrong.connect(target()));
        assertTrue(why.contains("server answered HTTP 404 Not Found to the WebSocket request for /elsewhere"), why);
    }

    @Test
    void aPlainGetOfThePathGetsNoUpgrade() throws Exception {
        listen(ch -> ch.close());
        try (Socket s = new Socket("127.0.0.1", listener.localAddress().getPort())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write("GET /assets/socket HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(answer.startsWith("HTTP/1.1 400 Bad Request\r\n"), answer);
        }
    }

    @Test
    void aFrameAboveTheLimitIsRefusedBeforeItIsBuffered() throws Exception {
        CompletableFuture<Streams.Sink> accepted = new CompletableFuture<>();
        listen(ch -> {
            Streams.Sink sink = new Streams.Sink(true);
            Streams.start(ch, sink);
            accepted.complete(sink);
        });
        try (Socket s = new Socket("127.0.0.1", listener.localAddress().getPort())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET /assets/socket HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            String head = readHead(in);
            assertTrue(head.startsWith("HTTP/1.1 101 Switching Protocols\r\n"), head);
            // a masked binary frame announcing 1 GiB: refused from its header, nothing of it held
            byte[] frame = {(byte) 0x82, (byte) 0xff, 0, 0, 0, 0, 0x40, 0, 0, 0, 1, 2, 3, 4, 9, 9, 9, 9};
            out.write(frame);
            out.flush();
            int b;
            int n = 0;
            while ((b = in.read()) >= 0 && n++ < 64) {
                // the close frame (1009, too big), then the end
            }
            assertEquals(-1, b, "the server closed the connection");
            assertEquals(0, await(accepted, 5).bytes, "no byte of the frame reached the stream's reader");
        }
    }

    private static String readHead(InputStream in) throws java.io.IOException {
        StringBuilder h = new StringBuilder();
        while (!h.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                break;
            }
            h.append((char) c);
        }
        return h.toString();
    }

    @Test
    void writesLargerThanAFrameArriveWhole() throws Exception {
        listen(ch -> Streams.start(ch, new Streams.Echo()));
        Channel c = connect();
        Streams.Sink sink = new Streams.Sink(false);
        Streams.start(c, sink);
        byte[] data = random(3 * WsFrames.MAX_FRAME + 17, 9); // one write: split into four frames
        Streams.sendAndFin(c, data);
        assertEquals(Streams.sha256(data), await(sink.done, 20));
    }

    /**
     * A server whose data and FIN come right behind its 101 (read, with the FIN, by the handshake before the user
     * reads): the user's first read must not close the stream, whose sending half is still open. Netty's epoll
     * transport closed the socket on that read (fd out of epoll, EPOLLIN refused with ENOENT).
     */
    @Test
    void dataAndFinBehindThe101LeaveTheClientsSendingHalfOpen() throws Exception {
        try (java.net.ServerSocket ss = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            WsTransport ws = new WsTransport(TransportSettings.builder().connectTimeout(Duration.ofSeconds(5))
                    .ws(new WsOptions("/s", null)).build(), false);
            CompletableFuture<Channel> dial = ws.connect(new Endpoint("ws", "127.0.0.1", ss.getLocalPort()));
            try (Socket s = ss.accept()) {
                s.setSoTimeout(10_000);
                String request = readHead(s.getInputStream());
                String key = request.lines().filter(l -> l.toLowerCase(java.util.Locale.ROOT)
                        .startsWith("sec-websocket-key:")).findFirst().orElseThrow().substring(18).trim();
                String accept = java.util.Base64.getEncoder().encodeToString(java.security.MessageDigest
                        .getInstance("SHA-1").digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")
                                .getBytes(StandardCharsets.US_ASCII)));
                byte[] head = ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Accept: " + accept + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
                byte[] frame = {(byte) 0x82, 5, 'h', 'e', 'l', 'l', 'o'};
                byte[] all = new byte[head.length + frame.length];
                System.arraycopy(head, 0, all, 0, head.length);
                System.arraycopy(frame, 0, all, head.length, frame.length);
                s.getOutputStream().write(all); // one segment, then the FIN: both in before the client reads
                s.shutdownOutput();
                Channel c = await(dial, 10);
                client = c;
                Streams.Sink sink = new Streams.Sink(true);
                Streams.start(c, sink);
                await(sink.done, 10);
                assertEquals("hello", new String(sink.received(), StandardCharsets.US_ASCII));
                byte[] reply = "still sending".getBytes(StandardCharsets.US_ASCII);
                assertTrue(Streams.sendAndFin(c, reply).await(10, java.util.concurrent.TimeUnit.SECONDS));
                byte[] got = s.getInputStream().readAllBytes(); // one masked binary frame, then the FIN
                assertEquals(2 + 4 + reply.length, got.length, "the client's frame reached the server");
                byte[] payload = new byte[reply.length];
                for (int i = 0; i < reply.length; i++) {
                    payload[i] = (byte) (got[6 + i] ^ got[2 + (i & 3)]);
                }
                assertEquals("still sending", new String(payload, StandardCharsets.US_ASCII));
            }
        }
    }

    @Test
    void theHostHeaderIsTheOneAskedFor() throws Exception {
        try (java.net.ServerSocket ss = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            WsTransport cdn = new WsTransport(TransportSettings.builder().connectTimeout(Duration.ofSeconds(5))
                    .ws(new WsOptions("/s", "front.example")).build(), false);
            CompletableFuture<Channel> dial = cdn.connect(new Endpoint("ws", "127.0.0.1", ss.getLocalPort()));
            try (Socket s = ss.accept()) {
                s.setSoTimeout(10_000);
                byte[] head = new byte[4096];
                int n = s.getInputStream().read(head);
                String request = new String(head, 0, n, StandardCharsets.ISO_8859_1);
                assertTrue(request.startsWith("GET /s HTTP/1.1\r\n"), request);
                assertTrue(request.contains("\r\nhost: front.example:" + ss.getLocalPort() + "\r\n")
                        || request.contains("\r\nHost: front.example:" + ss.getLocalPort() + "\r\n"), request);
            }
            assertTrue(failure(dial).contains("WebSocket"));
        }
    }
}
