package dev.alknet.transport.proxy;

import dev.alknet.transport.Transport;
import dev.alknet.transport.TransportContractTest;
import dev.alknet.transport.TransportSettings;
import dev.alknet.transport.Transports;
import dev.alknet.transport.tls.TlsServerMaterial;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The whole stream contract over TLS through an HTTP CONNECT proxy with credentials. */
class TlsViaHttpContractTest extends TransportContractTest {

    @TempDir
    static Path certs;
    static TestProxy proxy;
    static Transport server;

    @BeforeAll
    static void start() throws Exception {
        proxy = new TestProxy(TestProxy.Kind.HTTP, "alice", "s3cret:x");
        server = Transports.create("tls", TransportSettings.builder().connectTimeout(Duration.ofSeconds(5))
                .tlsServer(TlsServerMaterial.selfSigned(certs, null)).build());
    }

    @AfterAll
    static void stop() throws Exception {
        proxy.close();
    }

    @Override
    protected Transport serverTransport() {
        return server;
    }

    @Override
    protected Transport clientTransport() {
        ViaProxy via = ViaProxy.parse("http://alice:s3cret%3Ax@127.0.0.1:" + proxy.port());
        return Transports.create("tls", TransportSettings.builder().connectTimeout(Duration.ofSeconds(5))
                .via(via).build());
    }
}
