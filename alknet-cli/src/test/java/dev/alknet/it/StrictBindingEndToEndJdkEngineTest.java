package dev.alknet.it;

import dev.alknet.testkit.JdkTlsEngine;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@link StrictBindingEndToEndTest} with client and server on the JDK TLS engine (the default run uses OpenSSL where it loads). */
@ExtendWith(JdkTlsEngine.class)
class StrictBindingEndToEndJdkEngineTest extends StrictBindingEndToEndTest {
}
