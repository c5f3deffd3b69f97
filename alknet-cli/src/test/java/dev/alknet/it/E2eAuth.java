package dev.alknet.it;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** RFC 1929 on the wire. */
final class E2eAuth {

    private E2eAuth() {
    }

    /** The username/password request: VER 1, ULEN, UNAME, PLEN, PASSWD. */
    static byte[] rfc1929(String user, String password) {
        byte[] u = user.getBytes(StandardCharsets.UTF_8);
        byte[] p = password.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(1);
        b.write(u.length);
        b.writeBytes(u);
        b.write(p.length);
        b.writeBytes(p);
        return b.toByteArray();
    }
}
