package dev.alknet.transport.tls;

import dev.alknet.transport.Resolver;
import javax.net.ssl.SNIHostName;

/**
 * How a tls/quic client checks the server certificate.
 *
 * <ul>
 *   <li>{@code pin}: {@code "sha256/BASE64"} SPKI pin the leaf certificate must match, or several separated by
 *   commas of which it must match one (a key roll: old and new key; null: no pin);</li>
 *   <li>{@code verify}: chain to the system CAs and match the host name;</li>
 *   <li>{@code serverName}: SNI (and the name {@code verify} checks) instead of the endpoint host.</li>
 * </ul>
 * With neither pin nor verify (the default) any certificate is accepted: the SSH host key, checked
 * above this layer, proves the server's identity.
 */
public record TlsClientOptions(String pin, boolean verify, String serverName) {

    public static final TlsClientOptions NONE = new TlsClientOptions(null, false, null);

    public TlsClientOptions {
        if (pin != null) {
            pin = String.join(",", parsePins(pin));
        }
        if (serverName != null) {
            if (Resolver.isIpLiteral(serverName)) {
                throw new IllegalArgumentException("server name '" + serverName + "' is an IP address; SNI takes a "
                        + "host name");
            }
            try {
                new SNIHostName(serverName);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("bad server name '" + serverName + "': " + e.getMessage());
            }
        }
    }

    /** The pins given (empty: none). */
    public java.util.List<String> pins() {
        return pin == null ? java.util.List.of() : java.util.List.of(pin.split(","));
    }

    private static java.util.List<String> parsePins(String pins) {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (String p : pins.split(",", -1)) {
            out.add(TlsPins.parse(p.trim()));
        }
        return out;
    }

    /** The SNI to send when dialling {@code host}: the override, else the host unless it is an IP literal. */
    public String sniFor(String host) {
        if (serverName != null) {
            return serverName;
        }
        return Resolver.isIpLiteral(host) ? null : host;
    }

    /** The name {@code verify} matches the certificate against. */
    public String expectedName(String host) {
        return serverName != null ? serverName : host;
    }
}
