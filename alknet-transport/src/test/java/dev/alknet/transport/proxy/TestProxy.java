package dev.alknet.transport.proxy;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A minimal blocking SOCKS5 (RFC 1928/1929, CONNECT only) or HTTP CONNECT proxy on loopback, for tests.
 * Records each requested destination as the client sent it ("localhost:1234" means the name was not
 * resolved by the client). Relays half-closes both ways.
 */
final class TestProxy implements AutoCloseable {

    enum Kind { SOCKS5, HTTP }

    final List<String> destinations = new CopyOnWriteArrayList<>();
    private final Kind kind;
    private final String user;
    private final String pass;
    private final ServerSocket server;
    /** HTTP only: answer with the target's first bytes in the same write as the 200 reply. */
    volatile boolean coalesceFirstBytes;
    /** HTTP only: refuse every CONNECT with this status line, e.g. "403 Forbidden". */
    volatile String refuseWith;

    TestProxy(Kind kind, String user, String pass) throws IOException {
        this.kind = kind;
        this.user = user;
        this.pass = pass;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::acceptLoop, "test-proxy-accept");
        t.setDaemon(true);
        t.start();
    }

    int port() {
        return server.getLocalPort();
    }

    String url() {
        String scheme = kind == Kind.SOCKS5 ? "socks5" : "http";
        return scheme + "://" + (user == null ? "" : user + ":" + pass + "@") + "127.0.0.1:" + port();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Thread t = new Thread(() -> serve(s), "test-proxy-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            client.setSoTimeout(20_000);
            Socket target = kind == Kind.SOCKS5 ? socks5(client) : http(client);
            if (target == null) {
                return;
            }
            client.setSoTimeout(0);
            try (target) {
                Thread up = pump(client, target);
                Thread down = pump(target, client);
                up.join(30_000);
                down.join(30_000);
            }
        } catch (Exception e) {
            // the test sees the effect
        }
    }

    private Socket socks5(Socket c) throws IOException {
        DataInputStream in = new DataInputStream(c.getInputStream());
        OutputStream out = c.getOutputStream();
        if (in.readUnsignedByte() != 5) {
            return null;
        }
        byte[] methods = in.readNBytes(in.readUnsignedByte());
        int want = user == null ? 0 : 2;
        boolean offered = false;
        for (byte m : methods) {
            offered |= m == want;
        }
        if (!offered) {
            out.write(new byte[] {5, (byte) 0xFF});
            return null;
        }
        out.write(new byte[] {5, (byte) want});
        if (want == 2) {
            in.readUnsignedByte(); // sub-negotiation version 1
            String u = new String(in.readNBytes(in.readUnsignedByte()), StandardCharsets.UTF_8);
            String p = new String(in.readNBytes(in.readUnsignedByte()), StandardCharsets.UTF_8);
            boolean ok = u.equals(user) && p.equals(pass);
            out.write(new byte[] {1, (byte) (ok ? 0 : 1)});
            if (!ok) {
                return null;
            }
        }
        in.readUnsignedByte(); // ver
        int cmd = in.readUnsignedByte();
        in.readUnsignedByte(); // rsv
        int atyp = in.readUnsignedByte();
        String host = switch (atyp) {
            case 1 -> InetAddress.getByAddress(in.readNBytes(4)).getHostAddress();
            case 3 -> new String(in.readNBytes(in.readUnsignedByte()), StandardCharsets.US_ASCII);
            case 4 -> InetAddress.getByAddress(in.readNBytes(16)).getHostAddress();
            default -> throw new IOException("atyp " + atyp);
        };
        int port = in.readUnsignedShort();
        destinations.add(host + ":" + port);
        Socket target = new Socket();
        try {
            if (cmd != 1) {
                throw new IOException("not CONNECT");
            }
            target.connect(new InetSocketAddress(host, port), 5000);
        } catch (IOException e) {
            target.close();
            out.write(new byte[] {5, 5, 0, 1, 0, 0, 0, 0, 0, 0}); // connection refused
            return null;
        }
        out.write(new byte[] {5, 0, 0, 1, 0, 0, 0, 0, 0, 0});
        return target;
    }

    private Socket http(Socket c) throws IOException {
        InputStream in = c.getInputStream();
        OutputStream out = c.getOutputStream();
        String head = readHead(in);
        String[] lines = head.split("\r\n");
        String[] request = lines[0].split(" ");
        if (!request[0].equals("CONNECT")) {
            out.write("HTTP/1.1 405 Method Not Allowed\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            return null;
        }
        destinations.add(request[1]);
        if (user != null) {
            String expected = "Basic " + Base64.getEncoder().encodeToString(
                    (user + ":" + pass).getBytes(StandardCharsets.UTF_8));
            boolean ok = false;
            for (String l : lines) {
                ok |= l.regionMatches(true, 0, "Proxy-Authorization: ", 0, 21) && l.substring(21).trim().equals(expected);
            }
            if (!ok) {
                out.write("HTTP/1.1 407 Proxy Authentication Required\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                return null;
            }
        }
        if (refuseWith != null) {
            out.write(("HTTP/1.1 " + refuseWith + "\r\nContent-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            return null;
        }
        int colon = request[1].lastIndexOf(':');
        Socket target = new Socket();
        try {
            target.connect(new InetSocketAddress(request[1].substring(0, colon),
                    Integer.parseInt(request[1].substring(colon + 1))), 5000);
        } catch (IOException e) {
            target.close();
            out.write("HTTP/1.1 502 Bad Gateway\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            return null;
        }
        byte[] reply = "HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        if (coalesceFirstBytes) {
            target.setSoTimeout(2000);
            byte[] first = new byte[4096];
            int n = target.getInputStream().read(first);
            target.setSoTimeout(0);
            ByteArrayOutputStream both = new ByteArrayOutputStream();
            both.write(reply);
            if (n > 0) {
                both.write(first, 0, n);
            }
            reply = both.toByteArray();
        }
        out.write(reply);
        out.flush();
        return target;
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("eof in request head");
            }
            b.write(c);
            state = (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
        }
        return b.toString(StandardCharsets.US_ASCII);
    }

    private static Thread pump(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[64 * 1024];
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                for (int n; (n = in.read(buf)) >= 0; ) {
                    out.write(buf, 0, n);
                }
                to.shutdownOutput(); // relay the FIN
            } catch (IOException e) {
                try {
                    to.close();
                    from.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
        }, "test-proxy-pump");
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
