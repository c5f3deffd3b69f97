package dev.alknet.cli;

import dev.alknet.core.config.ServerAddress;
import dev.alknet.transport.stealth.StealthKey;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * A server's address with what a client needs to reach a {@code --stealth=strict} port, in one string
 * {@code alknet serve} prints and {@code alknet connect} takes (docs/adr/0014):
 * {@code alknet://tls/[user@]host:port?key=KEY&pin=sha256%2F...&hostkey=SHA256%3A...}. Only {@code key} is
 * required; {@code pin} (the TLS certificate pin, tls/quic) and {@code hostkey} (the SSH host key
 * fingerprint) let the first connection check the server instead of trusting it on first use.
 */
record ShareLink(ServerAddress server, StealthKey key, String pin, String hostKey) {

    static final String PREFIX = "alknet://";

    static boolean isShareLink(String s) {
        return s.regionMatches(true, 0, PREFIX, 0, PREFIX.length());
    }

    static ShareLink parse(String text) {
        String s = text.trim().substring(PREFIX.length());
        int slash = s.indexOf('/');
        if (slash <= 0) {
            throw new IllegalArgumentException("share string '" + text + "': expected alknet://tls/host:port?key=...");
        }
        int q = s.indexOf('?');
        String address = s.substring(0, slash) + "://" + (q < 0 ? s.substring(slash + 1) : s.substring(slash + 1, q));
        ServerAddress server = ServerAddress.parse(address, false);
        StealthKey key = null;
        String pin = null;
        String hostKey = null;
        if (q >= 0) {
            for (String pair : s.substring(q + 1).split("&")) {
                int eq = pair.indexOf('=');
                String name = eq < 0 ? pair : pair.substring(0, eq);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                switch (name) {
                    case "key" -> key = StealthKey.parse(value);
                    case "pin" -> pin = value;
                    case "hostkey" -> hostKey = value;
                    default -> throw new IllegalArgumentException("share string: unknown parameter '" + name + "'");
                }
            }
        }
        if (key == null) {
            throw new IllegalArgumentException("share string '" + text + "' has no key=");
        }
        return new ShareLink(server, key, pin, hostKey);
    }

    String format() {
        StringBuilder b = new StringBuilder(PREFIX).append(server.scheme()).append('/')
                .append(server.toString().substring(server.scheme().length() + 3))
                .append("?key=").append(key.text());
        if (pin != null && !"tcp".equals(server.scheme()) && !"ws".equals(server.scheme())) {
            b.append("&pin=").append(URLEncoder.encode(pin, StandardCharsets.UTF_8));
        }
        if (hostKey != null) {
            b.append("&hostkey=").append(URLEncoder.encode(hostKey, StandardCharsets.UTF_8));
        }
        return b.toString();
    }
}
