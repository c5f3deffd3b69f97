package dev.alknet.cli;

import dev.alknet.transport.TransportException;
import dev.alknet.transport.tls.TlsEngine;
import io.netty.channel.epoll.Epoll;
import io.netty.handler.codec.quic.Quic;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/**
 * {@code alknet --version}: the version and commit of the build (from {@code build.properties}, which the release
 * build writes; a checkout has none and says "dev"), the JVM, and which optional native parts loaded here.
 */
final class Version implements IVersionProvider {

    @Override
    public String[] getVersion() {
        Properties build = build();
        String version = build.getProperty("version", "dev");
        String commit = build.getProperty("commit", "unknown");
        List<String> lines = new ArrayList<>();
        lines.add("alknet " + version + " (commit " + commit + ")");
        lines.add("JVM: " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
                + " (" + System.getProperty("java.vendor") + "), " + System.getProperty("java.home"));
        lines.add("QUIC: " + (Quic.isAvailable() ? "native codec loaded" : "unavailable (" + cause(Quic.unavailabilityCause()) + ")"));
        lines.add("TLS engine: " + tlsEngine() + " (stealth listeners too); strict stealth clients: JDK (SunJSSE)"
                + (Runtime.version().feature() >= 25 ? ", TLS exporter for the strict proof" : ", no TLS exporter (JDK < 25)"));
        lines.add("epoll: " + (Epoll.isAvailable() ? "native transport loaded" : "unavailable, NIO (" + cause(Epoll.unavailabilityCause()) + ")"));
        return lines.toArray(String[]::new);
    }

    /** The engine of tls:// streams (docs/adr/0019), as {@code -Dalknet.tls.engine} and this machine allow. */
    private static String tlsEngine() {
        try {
            return TlsEngine.selected() == TlsEngine.OPENSSL ? "OpenSSL (BoringSSL, netty-tcnative)"
                    : "JDK (SunJSSE)" + (TlsEngine.openSslUsable() ? "" : ", OpenSSL unavailable");
        } catch (TransportException e) {
            return e.getMessage();
        }
    }

    static Properties build() {
        Properties p = new Properties();
        try (InputStream in = Version.class.getResourceAsStream("build.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // no build information: a checkout
        }
        return p;
    }

    private static String cause(Throwable t) {
        return t == null ? "unknown" : t.getClass().getSimpleName() + ": " + t.getMessage();
    }
}
