package dev.alknet.transport.tls;

import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.internal.tcnative.KeyLogCallback;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLEngine;

/**
 * Keeps the TLS 1.3 exporter_master_secret of each connection of a strict stealth listener on the OpenSSL engine,
 * taken from BoringSSL's key-log callback (its {@code EXPORTER_SECRET} line, and no other: the traffic secrets are
 * never kept), so that {@link #export} can compute the RFC 8446 exporter the strict proof is bound to. An entry
 * lives while its connection is open ({@link #forget} on close).
 */
public final class ExporterSecrets implements KeyLogCallback {

    private static final String PREFIX = "EXPORTER_SECRET ";

    private final Map<Long, byte[]> secrets = new ConcurrentHashMap<>();

    @Override
    public void handle(long ssl, byte[] line) {
        String s = new String(line, StandardCharsets.US_ASCII);
        if (!s.startsWith(PREFIX)) {
            return;
        }
        int space = s.lastIndexOf(' ');
        secrets.put(ssl, HexFormat.of().parseHex(s.substring(space + 1).trim()));
    }

    /** Drops the secret of the connection behind {@code sslPointer}. */
    void forget(long sslPointer) {
        secrets.remove(sslPointer);
    }

    /** The exporter of {@code engine}'s TLS 1.3 session, or null (TLS 1.2, not an OpenSSL engine, no secret). */
    public static byte[] export(SSLEngine engine, String label, int length) {
        if (!(engine instanceof ReferenceCountedOpenSslEngine e) || e.getSession() == null) {
            return null;
        }
        ExporterSecrets registry = TlsContexts.exporterSecrets();
        byte[] secret = registry.secrets.get(e.sslPointer());
        if (secret == null || !TlsContexts.TLS13.equals(e.getSession().getProtocol())) {
            return null;
        }
        boolean sha384 = e.getSession().getCipherSuite().endsWith("SHA384");
        return Tls13Exporter.export(secret, sha384, label, length);
    }
}
