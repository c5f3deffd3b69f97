package dev.alknet.server.stealth;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * What a prober sees of a TLS server for one ClientHello, read from {@code openssl s_client -msg}: the handshake
 * messages it prints in hex are parsed here (ServerHello, EncryptedExtensions, NewSessionTicket, alerts), and
 * the HTTP answer to one request sent after the handshake. JA3S-style: version, cipher, extension types in
 * order; plus what JA4S adds (ALPN) and what testssl reports (accepted or not, the cipher chosen).
 */
record TlsFace(String alert, int version, int cipher, int sessionIdLength, List<Integer> serverHelloExtensions,
        List<Integer> encryptedExtensions, String alpn, List<Long> ticketLifetimes, String statusLine,
        List<String> headerNames) {

    static final Path OPENSSL = Path.of("/usr/bin/openssl");

    /** JA3S's string: version,cipher,extensions (decimal, '-' separated). */
    String ja3s() {
        return version + "," + cipher + "," + String.join("-", serverHelloExtensions.stream().map(String::valueOf).toList());
    }

    /** Runs s_client with {@code args} against {@code port}, sends {@code request} after the handshake. */
    static TlsFace probe(Path dir, int port, List<String> args, String request) throws Exception {
        Path msgs = Files.createTempFile(dir, "msg-", ".txt");
        List<String> cmd = new ArrayList<>(List.of(OPENSSL.toString(), "s_client", "-connect", "127.0.0.1:" + port,
                "-servername", "localhost", "-quiet", "-msg", "-msgfile", msgs.toString()));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        p.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        p.getOutputStream().flush();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Thread reader = new Thread(() -> {
            try {
                p.getInputStream().transferTo(out);
            } catch (java.io.IOException e) {
                // process ended
            }
        });
        reader.start();
        // -quiet implies -ign_eof: s_client ends when the server closes (Connection: close, or an alert)
        if (!p.waitFor(15, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        reader.join(5000);
        p.getOutputStream().close();
        return parse(Files.readAllLines(msgs), out.toString(StandardCharsets.ISO_8859_1));
    }

    static TlsFace parse(List<String> msgLines, String http) {
        String alert = null;
        int version = -1;
        int cipher = -1;
        int sid = -1;
        List<Integer> sh = new ArrayList<>();
        List<Integer> ee = new ArrayList<>();
        String alpn = null;
        List<Long> tickets = new ArrayList<>();
        for (int i = 0; i < msgLines.size(); i++) {
            String line = msgLines.get(i);
            if (!line.startsWith("<<< ")) {
                continue;
            }
            StringBuilder hex = new StringBuilder();
            for (int j = i + 1; j < msgLines.size() && msgLines.get(j).startsWith("    "); j++) {
                hex.append(msgLines.get(j).replace(" ", ""));
            }
            byte[] b = HexFormat.of().parseHex(hex.toString());
            if (line.contains("Alert")) {
                alert = line.substring(line.indexOf("], ") + 3).trim();
            } else if (line.endsWith("ServerHello")) {
                Reader r = new Reader(b, 4);
                version = r.u16();
                r.skip(32);
                sid = r.u8();
                r.skip(sid);
                cipher = r.u16();
                r.u8(); // compression
                if (r.left() > 0) {
                    int end = r.u16() + r.pos;
                    while (r.pos < end) {
                        int type = r.u16();
                        int len = r.u16();
                        sh.add(type);
                        if (type == 43) {
                            version = new Reader(b, r.pos).u16();
                        } else if (type == 16) {
                            alpn = alpn(b, r.pos);
                        }
                        r.skip(len);
                    }
                }
            } else if (line.endsWith("EncryptedExtensions")) {
                Reader r = new Reader(b, 4);
                int end = r.u16() + r.pos;
                while (r.pos < end) {
                    int type = r.u16();
                    int len = r.u16();
                    ee.add(type);
                    if (type == 16) {
                        alpn = alpn(b, r.pos);
                    }
                    r.skip(len);
                }
            } else if (line.endsWith("NewSessionTicket")) {
                tickets.add(new Reader(b, 4).u32());
            }
        }
        String status = null;
        List<String> names = new ArrayList<>();
        int head = http.indexOf("\r\n\r\n");
        if (http.startsWith("HTTP/") && head > 0) {
            String[] lines = http.substring(0, head).split("\r\n");
            status = lines[0];
            for (int k = 1; k < lines.length; k++) {
                names.add(lines[k].substring(0, Math.max(0, lines[k].indexOf(':'))).toLowerCase(Locale.ROOT));
            }
        }
        return new TlsFace(alert, version, cipher, sid, sh, ee, alpn, tickets, status, names);
    }

    private static String alpn(byte[] b, int at) {
        Reader r = new Reader(b, at);
        r.u16();
        int n = r.u8();
        return new String(b, r.pos, n, StandardCharsets.US_ASCII);
    }

    private static final class Reader {
        final byte[] b;
        int pos;

        Reader(byte[] b, int pos) {
            this.b = b;
            this.pos = pos;
        }

        int u8() {
            return b[pos++] & 0xff;
        }

        int u16() {
            return (u8() << 8) | u8();
        }

        long u32() {
            return ((long) u16() << 16) | u16();
        }

        void skip(int n) {
            pos += n;
        }

        int left() {
            return b.length - pos;
        }
    }
}
