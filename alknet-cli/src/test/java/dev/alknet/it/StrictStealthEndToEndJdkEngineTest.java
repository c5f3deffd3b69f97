package dev.alknet.it;

import dev.alknet.testkit.JdkTlsEngine;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@link StrictStealthEndToEndTest} with client and server on the JDK TLS engine (the default run uses OpenSSL where it loads). */
@ExtendWith(JdkTlsEngine.class)
class StrictStealthEndToEndJdkEngineTest extends StrictStealthEndToEndTest {
}
