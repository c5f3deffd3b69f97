package dev.alknet.transport.stealth;

import dev.alknet.transport.Endpoint;
import dev.alknet.transport.Transport;
import dev.alknet.transport.TransportListener;
import dev.alknet.transport.TransportSettings;
import dev.alknet.transport.Transports;
import dev.alknet.transport.tls.TlsEngine;
import dev.alknet.transport.tls.TlsServerMaterial;
import io.netty.channel.Channel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Opens real connections (tls and quic, loopback, in this JVM) and reports {@link SessionBinding#of} as each
 * end saw it: one line {@code scheme client-hex server-hex} per connection. Run as a main by
 * {@code SessionBindingTest} in a Java 25 JVM, and in the test's own JVM.
 */
public final class SessionBindingProbe {

    private SessionBindingProbe() {
    }

    public static void main(String[] args) throws Exception {
        for (String line : run(2)) {
            System.out.println(line);
        }
        System.out.flush();
        System.exit(0); // Netty's shared event loops are not daemons
    }

    /** {@code perScheme} connections on tls (JDK engine, then OpenSSL where it loads), then on quic. */
    static List<String> run(int perScheme) throws Exception {
        Path certs = Files.createTempDirectory("alknet-binding-");
        List<String> lines = new ArrayList<>();
        try {
            TransportSettings settings = TransportSettings.builder().connectTimeout(Duration.ofSeconds(10))
                    .tlsServer(TlsServerMaterial.selfSigned(certs, "alknet.test")).build();
            // tls on each engine, a strict listener on OpenSSL (its exporter from the key-log secret, docs/adr/0019)
            // with a JDK client, then quic
            TransportSettings strict = settings.toBuilder().stealthTimeout(Duration.ofSeconds(10))
                    .stealthKey(StealthKey.random()).build();
            for (String run : new String[] {"tls-jdk", "tls-openssl", "tls-strict-openssl", "quic"}) {
                String scheme = run.startsWith("tls") ? "tls" : run;
                if (run.endsWith("openssl") && !TlsEngine.openSslUsable()) {
                    continue;
                }
                if (scheme.equals("tls")) {
                    System.setProperty(TlsEngine.PROPERTY, run.substring(run.lastIndexOf('-') + 1));
                }
                Transport t = Transports.create(scheme, settings);
                Transport serverSide = run.equals("tls-strict-openssl") ? Transports.create(scheme, strict) : t;
                List<CompletableFuture<byte[]>> server = new ArrayList<>();
                for (int i = 0; i < perScheme; i++) {
                    server.add(new CompletableFuture<>());
                }
                AtomicInteger n = new AtomicInteger();
                TransportListener l = serverSide.listen(new Endpoint(scheme, "127.0.0.1", 0),
                        stream -> {
                            CompletableFuture<byte[]> f = server.get(n.getAndIncrement());
                            try {
                                f.complete(SessionBinding.of(stream));
                            } catch (RuntimeException | Error e) {
                                f.completeExceptionally(e);
                            }
                        });
                if (run.equals("tls-strict-openssl")) {
                    System.setProperty(TlsEngine.PROPERTY, "jdk"); // the client: strict clients run on the JDK
                }
                try {
                    for (int i = 0; i < perScheme; i++) {
                        Channel c = t.connect(new Endpoint(scheme, "127.0.0.1", l.localAddress().getPort()))
                                .get(20, TimeUnit.SECONDS);
                        byte[] client = c.eventLoop().submit(() -> SessionBinding.of(c)).get(10, TimeUnit.SECONDS);
                        // a QUIC stream reaches the server with its first byte
                        c.writeAndFlush(io.netty.buffer.Unpooled.wrappedBuffer(new byte[] {1}));
                        byte[] seen = server.get(i).get(20, TimeUnit.SECONDS);
                        lines.add(run + " " + hex(client) + " " + hex(seen));
                        c.close().syncUninterruptibly();
                    }
                } finally {
                    l.close();
                    System.clearProperty(TlsEngine.PROPERTY);
                }
            }
        } finally {
            try (java.util.stream.Stream<Path> files = Files.walk(certs)) {
                for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
        return lines;
    }

    private static String hex(byte[] b) {
        return b.length == 0 ? "-" : HexFormat.of().formatHex(b);
    }
}
