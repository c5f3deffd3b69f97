package dev.alknet.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP origin as lenient as many real ones: it answers every request on a connection (keep-alive, whatever
 * {@code Connection} says) with its name and the request's path, and records each request head it got. So a proxy
 * that lets a second request through to it is caught answering for another origin.
 */
final class KeepAliveOrigin implements AutoCloseable {

    final String name;
    final List<String> heads = new CopyOnWriteArrayList<>();
    final AtomicInteger connections = new AtomicInteger();
    private final ServerSocket listener;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "origin");
        t.setDaemon(true);
        return t;
    });

    KeepAliveOrigin(String name, String bindAddress) throws IOException {
        this.name = name;
        listener = new ServerSocket();
        listener.bind(new InetSocketAddress(InetAddress.getByName(bindAddress), 0), 64);
        threads.execute(() -> {
            while (!listener.isClosed()) {
                try {
                    Socket s = listener.accept();
                    connections.incrementAndGet();
                    threads.execute(() -> serve(s));
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    String authority() {
        return listener.getInetAddress().getHostAddress() + ":" + listener.getLocalPort();
    }

    private void serve(Socket s) {
        try (s) {
            s.setSoTimeout(30_000);
            InputStream in = s.getInputStream();
            for (int n = 0; n < 100; n++) {
                String head = readHead(in);
                if (head == null) {
                    return;
                }
                heads.add(head);
                int length = contentLength(head);
                in.readNBytes(length);
                String path = head.substring(head.indexOf(' ') + 1, head.indexOf(' ', head.indexOf(' ') + 1));
                byte[] body = (name + " " + path + "\n").getBytes(StandardCharsets.US_ASCII);
                s.getOutputStream().write(("HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nContent-Length: "
                        + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().write(body);
            }
        } catch (IOException e) {
            // the peer went away
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (head.size() < 65536 && !head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            head.write(b);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    private static int contentLength(String head) {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                return Integer.parseInt(line.substring(15).strip());
            }
        }
        return 0;
    }

    @Override
    public void close() throws IOException {
        listener.close();
        threads.shutdownNow();
    }
}
