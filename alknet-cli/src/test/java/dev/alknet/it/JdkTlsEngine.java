package dev.alknet.it;

import dev.alknet.transport.tls.TlsEngine;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a test class, and the alknet processes it starts ({@link Cli#command}), with {@code -Dalknet.tls.engine=jdk},
 * the fallback engine; set before the class's and its parents' {@code @BeforeAll}.
 */
final class JdkTlsEngine implements BeforeAllCallback, AfterAllCallback {

    @Override
    public void beforeAll(ExtensionContext context) {
        System.setProperty(TlsEngine.PROPERTY, "jdk");
    }

    @Override
    public void afterAll(ExtensionContext context) {
        System.clearProperty(TlsEngine.PROPERTY);
    }
}
