package dev.alknet.tun;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A SOCKS5 server for tests (CONNECT, no auth) standing in for alknet: it resolves names from its own table (so a
 * name it is asked for proves the name went through SOCKS, ATYP 3), dials from its own namespace, records every
 * request, and replies 5 on refusal and 4 on an unknown name.
 */
final class SocksStub implements AutoCloseable {

    record Request(int atyp, String host, int port) {
    }

    private final ServerSocket listener;
    private final Map<String, String> names;
    private final ThreadFactory threads;
    final List<Request> requests = new CopyOnWriteArrayList<>();
    final AtomicInteger live = new AtomicInteger();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    /** Binds on the calling thread (so in its namespace); {@code threads} must be in the same namespace. */
    SocksStub(InetSocketAddress bind, Map<String, String> names, ThreadFactory threads) throws IOException {
        this.names = names;
        this.threads = threads;
        listener = new ServerSocket();
        listener.setReuseAddress(true);
        listener.bind(bind, 1024);
        threads.newThread(this::acceptLoop).start();
    }

    int port() {
        return listener.getLocalPort();
    }

    boolean asked(int atyp, String host) {
        return requests.stream().anyMatch(r -> r.atyp() == atyp && r.host().equalsIgnoreCase(host));
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket s = listener.accept();
                threads.newThread(() -> serve(s)).start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        sockets.add(client);
        try {
            client.setSoTimeout(20_000);
            DataInputStream in = new DataInputStream(client.getInputStream());
            OutputStream out = client.getOutputStream();
            if (in.readUnsignedByte() != 5) {
                client.close();
                return;
            }
            in.readFully(new byte[in.readUnsignedByte()]);
            out.write(new byte[] {5, 0});
            in.readUnsignedByte();
            int cmd = in.readUnsignedByte();
            in.readUnsignedByte();
            int atyp = in.readUnsignedByte();
            String host;
            if (atyp == 1 || atyp == 4) {
                byte[] a = new byte[atyp == 1 ? 4 : 16];
                in.readFully(a);
                host = InetAddress.getByAddress(a).getHostAddress();
            } else {
                byte[] n = new byte[in.readUnsignedByte()];
                in.readFully(n);
                host = new String(n, StandardCharsets.ISO_8859_1);
            }
            int port = in.readUnsignedShort();
            requests.add(new Request(atyp, host, port));
            if (cmd != 1) {
                reply(out, 7);
                client.close();
                return;
            }
            String ip = atyp == 3 ? names.get(host.toLowerCase()) : host;
            if (ip == null) {
                reply(out, 4);
                client.close();
                return;
            }
            Socket up = new Socket();
            sockets.add(up);
            try {
                up.connect(new InetSocketAddress(InetAddress.getByName(ip), port), 5000);
            } catch (ConnectException e) {
                reply(out, 5);
                client.close();
                return;
            } catch (IOException e) {
                reply(out, 4);
                client.close();
                return;
            }
            client.setSoTimeout(0);
            reply(out, 0);
            live.incrementAndGet();
            AtomicInteger ends = new AtomicInteger();
            Runnable done = () -> {
                if (ends.incrementAndGet() == 2) {
                    close(client);
                    close(up);
                    live.decrementAndGet();
                }
            };
            threads.newThread(() -> pipe(client, up, done)).start();
            pipe(up, client, done);
        } catch (IOException e) {
            close(client);
        }
    }

    private static void reply(OutputStream out, int rep) throws IOException {
        out.write(new byte[] {5, (byte) rep, 0, 1, 0, 0, 0, 0, 0, 0});
        out.flush();
    }

    private static void pipe(Socket from, Socket to, Runnable done) {
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            byte[] buf = new byte[64 * 1024];
            int n;
            while ((n = in.read(buf)) >= 0) {
                out.write(buf, 0, n);
            }
            to.shutdownOutput();
        } catch (IOException e) {
            close(from);
            close(to);
        }
        done.run();
    }

    private static void close(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        sockets.forEach(SocksStub::close);
    }
}
