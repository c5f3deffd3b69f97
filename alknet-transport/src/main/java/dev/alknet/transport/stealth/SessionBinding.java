package dev.alknet.transport.stealth;

import dev.alknet.transport.tls.ExporterSecrets;
import dev.alknet.transport.tls.TlsEngine;
import io.netty.channel.Channel;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.ssl.SslHandler;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a strict proof is bound to besides the key and the clock: {@value #LENGTH} bytes of the stream's TLS
 * exporter (RFC 8446 §7.5), {@code exportKeyingMaterialData("}{@value #LABEL}{@code ", no context, 32)}. Both
 * ends of one TLS session derive the same bytes and nobody else can, so a proof is worthless on any other
 * session, a man-in-the-middle's included (docs/adr/0014).
 *
 * <p>Empty ({@link #NONE}) when there is nothing to bind to or no way to: tcp and plaintext on a TLS port (no
 * TLS), a runtime older than Java 25 (JSSE has no exporter API before; the project is built for 17, so the
 * method is looked up at run time), quic (Netty's QUIC engine does not expose BoringSSL's exporter: its
 * session is a plain {@link SSLSession}), tls on the OpenSSL engine outside a strict listener or on TLS 1.2
 * (netty-tcnative has no exporter call: a strict listener computes it from the key-log secret, docs/adr/0019), or
 * an export that fails. The reason is logged at debug
 * level.
 *
 * <p>Netty's JDK engine is a wrapper ({@code JdkAlpnSslEngine}), but its {@code getSession()} hands out the
 * JDK's own session, which implements the exporter: no unwrapping is needed.
 */
public final class SessionBinding {

    static final byte[] NONE = new byte[0];
    /** The exporter label; RFC 8446 §7.5 wants labels of private use to start with "EXPORTER". */
    static final String LABEL = "EXPORTER-alknet-strict-proof";
    static final int LENGTH = 32;

    private static final Logger LOG = LoggerFactory.getLogger(SessionBinding.class);
    /** {@code ExtendedSSLSession.exportKeyingMaterialData} (Java 25), or null on older runtimes. */
    private static final MethodHandle EXPORT = exporter();

    private SessionBinding() {
    }

    /**
     * Whether this runtime can bind proofs to a TLS session: Java 25 or newer (JSSE's exporter), or a server on the
     * OpenSSL engine (the exporter computed from its key-log secret, {@link ExporterSecrets}).
     */
    public static boolean available() {
        if (EXPORT != null) {
            return true;
        }
        try {
            return TlsEngine.selected() == TlsEngine.OPENSSL;
        } catch (dev.alknet.transport.TransportException e) {
            return false;
        }
    }

    /** The binding of {@code stream} as seen from this end (call it once the handshake is done). */
    public static byte[] of(Channel stream) {
        SSLEngine engine = engine(stream);
        if (engine == null) {
            return NONE; // no TLS below this stream: nothing to bind to
        }
        if (TlsEngine.of(engine) == TlsEngine.OPENSSL) {
            // netty-tcnative has no SSL_export_keying_material: computed from the key-log secret (strict listeners)
            byte[] bytes = ExporterSecrets.export(engine, LABEL, LENGTH);
            if (bytes == null) {
                LOG.debug("{}: proof not bound to the TLS session: no TLS 1.3 exporter secret on the OpenSSL engine",
                        stream.remoteAddress());
                return NONE;
            }
            return bytes;
        }
        if (EXPORT == null) {
            LOG.debug("{}: proof not bound to the TLS session: Java {} has no TLS exporter (Java 25 has)",
                    stream.remoteAddress(), Runtime.version().feature());
            return NONE;
        }
        SSLSession session = engine.getSession();
        if (!(session instanceof ExtendedSSLSession s)) {
            LOG.debug("{}: proof not bound to the TLS session: {} exposes no exporter", stream.remoteAddress(),
                    stream instanceof QuicChannel || stream.parent() instanceof QuicChannel ? "QUIC's TLS engine"
                            : session.getClass().getName());
            return NONE;
        }
        try {
            byte[] bytes = (byte[]) EXPORT.invokeExact(s, LABEL, (byte[]) null, LENGTH);
            return bytes != null && bytes.length == LENGTH ? bytes : NONE;
        } catch (Throwable e) { // UnsupportedOperationException, SSLKeyException (e.g. TLS 1.2 without EMS)
            LOG.debug("{}: proof not bound to the TLS session: export failed: {}", stream.remoteAddress(), e.toString());
            return NONE;
        }
    }

    /** The TLS engine under {@code stream}: its pipeline's (tls) or its connection's (a quic stream), or null. */
    private static SSLEngine engine(Channel stream) {
        SslHandler tls = stream.pipeline().get(SslHandler.class);
        if (tls != null) {
            return tls.engine();
        }
        if (stream.parent() instanceof QuicChannel quic) {
            return quic.sslEngine();
        }
        return stream instanceof QuicChannel quic ? quic.sslEngine() : null;
    }

    private static MethodHandle exporter() {
        try {
            return MethodHandles.publicLookup().findVirtual(ExtendedSSLSession.class, "exportKeyingMaterialData",
                    MethodType.methodType(byte[].class, String.class, byte[].class, int.class));
        } catch (NoSuchMethodException | IllegalAccessException e) {
            return null; // before Java 25
        }
    }
}
