package dev.alknet.transport.tls;

import dev.alknet.transport.TransportException;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.util.Locale;
import javax.net.ssl.SSLEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which TLS implementation a tls:// stream uses (docs/adr/0019): BoringSSL through netty-tcnative
 * ({@link #OPENSSL}, the default where its native library loads) or the JDK's JSSE ({@link #JDK}, the fallback,
 * and always for strict stealth, whose proof needs the TLS exporter only JSSE offers). Chosen with the system
 * property {@value #PROPERTY} ({@code openssl} or {@code jdk}); anything else is refused.
 */
public enum TlsEngine {
    OPENSSL(SslProvider.OPENSSL),
    JDK(SslProvider.JDK);

    public static final String PROPERTY = "alknet.tls.engine";

    private static final Logger LOG = LoggerFactory.getLogger(TlsEngine.class);
    private static volatile boolean logged;

    private final SslProvider provider;

    TlsEngine(SslProvider provider) {
        this.provider = provider;
    }

    SslProvider provider() {
        return provider;
    }

    /** The property's name for this engine. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The engine for non-strict tls: the property's choice, else OpenSSL if it loads (with TLS 1.3), else the JDK.
     * An explicit {@code openssl} that cannot load fails rather than silently running on the other engine.
     */
    public static TlsEngine selected() throws TransportException {
        String wanted = System.getProperty(PROPERTY, "").trim().toLowerCase(Locale.ROOT);
        TlsEngine engine;
        switch (wanted) {
            case "jdk" -> engine = JDK;
            case "openssl" -> {
                if (!openSslUsable()) {
                    throw new TransportException("-D" + PROPERTY + "=openssl: the OpenSSL engine does not load here ("
                            + whyNotOpenSsl() + ")");
                }
                engine = OPENSSL;
            }
            case "" -> engine = openSslUsable() ? OPENSSL : JDK;
            default -> throw new TransportException("-D" + PROPERTY + "=" + wanted + ": expected openssl or jdk");
        }
        if (!logged) {
            logged = true;
            LOG.debug("tls engine: {}{}", engine.label(), engine == JDK && wanted.isEmpty()
                    ? " (OpenSSL not usable: " + whyNotOpenSsl() + ")" : "");
        }
        return engine;
    }

    /** The engine behind {@code engine} (an {@link SslHandler}'s). */
    public static TlsEngine of(SSLEngine engine) {
        return engine instanceof ReferenceCountedOpenSslEngine ? OPENSSL : JDK;
    }

    /** Whether netty-tcnative's BoringSSL loaded on this machine and speaks TLS 1.3. */
    public static boolean openSslUsable() {
        return OpenSsl.isAvailable() && SslProvider.isTlsv13Supported(SslProvider.OPENSSL);
    }

    private static String whyNotOpenSsl() {
        Throwable cause = OpenSsl.unavailabilityCause();
        return cause != null ? String.valueOf(cause.getMessage()) : "no TLS 1.3";
    }
}
