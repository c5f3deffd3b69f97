package dev.alknet.transport.quic;

import dev.alknet.transport.Endpoint;
import dev.alknet.transport.Streams;
import dev.alknet.transport.TransportListener;
import dev.alknet.transport.TransportSettings;
import dev.alknet.transport.tls.TlsServerMaterial;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Run by {@link QuicDatagramSizeTest} in a network namespace of its own: a quic listener and client on that
 * namespace's loopback, a {@link UdpPathRelay} (no size limit of its own) between them, data sent until the relay
 * saw a datagram above 1,200 bytes (at most 16 MiB or 30 s); prints
 * {@code LARGEST n}, the largest datagram the relay received, then exits.
 */
public final class QuicPathProbe {

    private QuicPathProbe() {
    }

    public static void main(String[] args) throws Exception {
        QuicTransport t = new QuicTransport(TransportSettings.builder().connectTimeout(Duration.ofSeconds(10))
                .tlsServer(TlsServerMaterial.selfSigned(Files.createTempDirectory("alknet-quic-probe"), "alknet.test"))
                .build());
        CompletableFuture<String> received = new CompletableFuture<>();
        TransportListener l = t.listen(new Endpoint("quic", "127.0.0.1", 0), ch -> {
            Streams.Sink sink = new Streams.Sink(false);
            sink.done.whenComplete((v, e) -> received.complete(v));
            Streams.start(ch, sink);
        });
        try (UdpPathRelay path = new UdpPathRelay(new InetSocketAddress("127.0.0.1", l.localAddress().getPort()),
                65_507)) {
            Channel c = Streams.await(t.connect(new Endpoint("quic", "127.0.0.1", path.port())), 20);
            // discovery takes a few round trips of lost probes: send until a larger datagram passed (bounded)
            long deadline = System.nanoTime() + 30_000_000_000L;
            for (int i = 0; i < 64 && path.largestSeen() <= 1_200 && System.nanoTime() < deadline; i++) {
                c.writeAndFlush(Unpooled.wrappedBuffer(new byte[256 << 10])).sync();
            }
            Streams.sendAndFin(c, new byte[256 << 10]);
            Streams.await(received, 40);
            System.out.println("LARGEST " + path.largestSeen());
        }
        System.exit(0);
    }
}
