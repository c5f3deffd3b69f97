package dev.alknet.transport.tls;

import dev.alknet.testkit.JdkTlsEngine;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@link TlsTransportTest} (and the transport contract) on the JDK engine, the fallback. */
@ExtendWith(JdkTlsEngine.class)
class TlsTransportJdkEngineTest extends TlsTransportTest {

    @Override
    TlsEngine expectedEngine() {
        return TlsEngine.JDK;
    }
}
