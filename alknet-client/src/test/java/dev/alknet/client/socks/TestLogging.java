package dev.alknet.client.socks;

/**
 * slf4j-simple settings for the tests; must run before anything logs. Quiet MINA and Netty, keep a switch
 * for ours: {@code -Dorg.slf4j.simpleLogger.log.dev.alknet=debug}.
 */
final class TestLogging {

    static {
        setDefault("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        setDefault("org.slf4j.simpleLogger.log.dev.alknet", "info");
    }

    private TestLogging() {
    }

    static void configure() {
        // the static initialiser does the work
    }

    private static void setDefault(String key, String value) {
        System.setProperty(key, System.getProperty(key, value));
    }
}
