package dev.alknet.transport.tls;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Runs a test class with {@code -Dalknet.tls.engine=jdk} (before its and its parents' {@code @BeforeAll}). */
public final class JdkTlsEngine implements BeforeAllCallback, AfterAllCallback {

    @Override
    public void beforeAll(ExtensionContext context) {
        System.setProperty(TlsEngine.PROPERTY, "jdk");
    }

    @Override
    public void afterAll(ExtensionContext context) {
        System.clearProperty(TlsEngine.PROPERTY);
    }
}
