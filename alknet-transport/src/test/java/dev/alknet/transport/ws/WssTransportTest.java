package dev.alknet.transport.ws;

import dev.alknet.transport.Transport;
import dev.alknet.transport.TransportContractTest;
import dev.alknet.transport.TransportSettings;
import dev.alknet.transport.tls.TlsClientOptions;
import dev.alknet.transport.tls.TlsServerMaterial;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** wss:// against its own listener (TLS with ALPN http/1.1, then the Upgrade), the client pinning its certificate. */
class WssTransportTest extends TransportContractTest {

    @TempDir
    static Path certDir;
    static WsTransport server;
    static WsTransport client;

    @BeforeAll
    static void setUp() throws Exception {
        TlsServerMaterial material = TlsServerMaterial.selfSigned(certDir, "alknet.test");
        WsOptions ws = new WsOptions("/s", null);
        server = new WsTransport(TransportSettings.builder().connectTimeout(Duration.ofSeconds(5))
                .tlsServer(material).ws(ws).build(), true);
        client = new WsTransport(TransportSettings.builder().connectTimeout(Duration.ofSeconds(5))
                .tlsClient(new TlsClientOptions(material.load().pin(), false, null)).ws(ws).build(), true);
    }

    @Override
    protected Transport serverTransport() {
        return server;
    }

    @Override
    protected Transport clientTransport() {
        return client;
    }
}
