package dev.alknet.client.socks.http;

import dev.alknet.client.socks.auth.SocksCredentials;
import java.util.Arrays;
import java.util.Base64;

/** Checks a {@code Proxy-Authorization: Basic base64(user:password)} value (RFC 7617) against the credentials. */
final class BasicAuth {

    private BasicAuth() {
    }

    static boolean matches(String headerValue, SocksCredentials credentials) {
        if (headerValue == null) {
            return false;
        }
        String v = headerValue.strip();
        int space = v.indexOf(' ');
        if (space < 0 || !v.substring(0, space).equalsIgnoreCase("Basic")) {
            return false;
        }
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(v.substring(space + 1).strip());
        } catch (IllegalArgumentException e) {
            return false;
        }
        int colon = -1;
        for (int i = 0; i < decoded.length; i++) {
            if (decoded[i] == ':') {
                colon = i;
                break;
            }
        }
        if (colon < 0) {
            Arrays.fill(decoded, (byte) 0);
            return false;
        }
        byte[] user = Arrays.copyOfRange(decoded, 0, colon);
        byte[] password = Arrays.copyOfRange(decoded, colon + 1, decoded.length);
        try {
            return credentials.matches(user, password);
        } finally {
            Arrays.fill(decoded, (byte) 0);
            Arrays.fill(password, (byte) 0);
        }
    }
}
