package dev.alknet.testkit;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a test class, and the alknet processes it starts, with {@code -Dalknet.tls.engine=jdk}, the fallback engine;
 * set before the class's and its parents' {@code @BeforeAll}.
 */
public final class JdkTlsEngine implements BeforeAllCallback, AfterAllCallback {

    /** alknet-transport's TlsEngine.PROPERTY (this module depends on no alknet module; a transport test pins it). */
    public static final String PROPERTY = "alknet.tls.engine";

    @Override
    public void beforeAll(ExtensionContext context) {
        System.setProperty(PROPERTY, "jdk");
    }

    @Override
    public void afterAll(ExtensionContext context) {
        System.clearProperty(PROPERTY);
    }
}
