package dev.alknet.server.stealth;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** The probes a scanner sends, by name, and the site both servers serve. */
final class ProbeSet {

    private ProbeSet() {
    }

    static final byte[] GARBAGE = new byte[64];
    /** The start of a TLS 1.2 ClientHello record: what a TLS scanner sends to a plain port. */
    static final byte[] TLS_HELLO = new byte[200];
    /** What OpenSSH 9.2 sends first; a real nginx answers it with 400. */
    static final String SSH_BANNER = "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n";

    static {
        for (int i = 0; i < GARBAGE.length; i++) {
            GARBAGE[i] = (byte) (i * 37 + 5);
        }
        byte[] head = {0x16, 0x03, 0x01, 0x00, (byte) 0xc3, 0x01, 0x00, 0x00, (byte) 0xbf, 0x03, 0x03};
        System.arraycopy(head, 0, TLS_HELLO, 0, head.length);
    }

    /** Plain HTTP/1.x probes and other first bytes, sent on a plain port (or in TLS, after the handshake). */
    static Map<String, byte[]> plain() {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("GET /", Probe.ascii("GET / HTTP/1.1\r\nHost: localhost\r\nUser-Agent: probe\r\nAccept: */*\r\n\r\n"));
        m.put("GET /missing", Probe.ascii("GET /missing HTTP/1.1\r\nHost: localhost\r\n\r\n"));
        m.put("GET /sub/a.txt", Probe.ascii("GET /sub/a.txt HTTP/1.1\r\nHost: localhost\r\n\r\n"));
        m.put("GET /sub (dir)", Probe.ascii("GET /sub HTTP/1.1\r\nHost: localhost\r\n\r\n"));
        m.put("GET /sub/ (no index)", Probe.ascii("GET /sub/ HTTP/1.1\r\nHost: localhost\r\n\r\n"));
        m.put("HEAD /", Probe.ascii("HEAD / HTTP/1.1\r\nHost: localhost\r\n\r\n"));
        m.put("OPTIONS /", Probe.ascii("OPTIONS / HTTP/1.1\r\nHost: localhost\r\n\r\n"));
        m.put("OPTIONS *", Probe.ascii("OPTIONS * HTTP/1.1\r\nHost: localhost\r\n\r\n"));
        m.put("POST /", Probe.ascii("POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 3\r\n\r\nabc"));
        m.put("GET / HTTP/1.0", Probe.ascii("GET / HTTP/1.0\r\n\r\n"));
        m.put("GET / no Host", Probe.ascii("GET / HTTP/1.1\r\n\r\n"));
        m.put("GET traversal", Probe.ascii("GET /../../etc/passwd HTTP/1.1\r\nHost: localhost\r\n\r\n"));
        m.put("GET encoded traversal", Probe.ascii("GET /%2e%2e/%2e%2e/etc/passwd HTTP/1.1\r\nHost: localhost\r\n\r\n"));
        m.put("GET range", Probe.ascii("GET / HTTP/1.1\r\nHost: localhost\r\nRange: bytes=0-3\r\n\r\n"));
        m.put("GET HTTP/2.0", Probe.ascii("GET / HTTP/2.0\r\nHost: localhost\r\n\r\n"));
        m.put("h2 preface", Probe.ascii("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"));
        m.put("HTTP/0.9", Probe.ascii("GET /\r\n"));
        m.put("big body", Probe.ascii("POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2000000\r\n\r\n"));
        m.put("garbage", GARBAGE);
        m.put("TLS hello on plain", TLS_HELLO);
        m.put("lowercase method", Probe.ascii("get / HTTP/1.1\r\nHost: localhost\r\n\r\n"));
        return m;
    }

    /** index.html, sub/a.txt, style.css with a fixed mtime, so ETag and Last-Modified are comparable. */
    static Path site(Path dir) throws IOException {
        Path site = Files.createDirectories(dir.resolve("site"));
        Files.writeString(site.resolve("index.html"), "<html><body>it works</body></html>\n");
        Files.createDirectories(site.resolve("sub"));
        Files.writeString(site.resolve("sub/a.txt"), "sub\n");
        Files.writeString(site.resolve("style.css"), "body{}\n");
        FileTime t = FileTime.from(Instant.parse("2025-11-02T05:02:43Z"));
        for (String f : new String[] {"index.html", "sub/a.txt", "style.css"}) {
            Files.setLastModifiedTime(site.resolve(f), t);
        }
        return site;
    }
}
