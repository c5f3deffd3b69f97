package dev.alknet.it;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.Executors;

/**
 * The test host of a namespace test: {@code NetnsByteHost PORT} serves {@code GET /blob?size=N&seed=S} (the bytes of
 * {@link WebServer.Blob}) and {@code POST /sink} (answers "LENGTH SHA256" of the body) on every address, and prints
 * {@code peer ADDRESS} on stdout for every request, so the test sees where connections came from. UDP on the same
 * port is echoed, with {@code udp-peer ADDRESS} printed for the first datagram from each address.
 */
public final class NetnsByteHost {

    private NetnsByteHost() {
    }

    public static void main(String[] args) throws Exception {
        HttpServer http = HttpServer.create(new InetSocketAddress(Integer.parseInt(args[0])), 64);
        http.setExecutor(Executors.newFixedThreadPool(8));
        http.createContext("/blob", ex -> {
            peer(ex.getRemoteAddress());
            String q = ex.getRequestURI().getQuery();
            long size = Long.parseLong(param(q, "size"));
            long seed = Long.parseLong(param(q, "seed"));
            ex.sendResponseHeaders(200, size == 0 ? -1 : size);
            try (OutputStream out = ex.getResponseBody()) {
                WebServer.Blob.write(size, seed, out);
            }
        });
        http.createContext("/sink", ex -> {
            peer(ex.getRemoteAddress());
            MessageDigest md = WebServer.Blob.digest();
            long n = 0;
            try (InputStream in = ex.getRequestBody()) {
                byte[] buf = new byte[64 * 1024];
                int r;
                while ((r = in.read(buf)) > 0) {
                    md.update(buf, 0, r);
                    n += r;
                }
            }
            byte[] answer = (n + " " + HexFormat.of().formatHex(md.digest()) + "\n").getBytes(StandardCharsets.US_ASCII);
            ex.sendResponseHeaders(200, answer.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(answer);
            }
        });
        http.start();
        DatagramSocket udp = new DatagramSocket(Integer.parseInt(args[0]));
        Thread echo = new Thread(() -> echo(udp), "udp-echo");
        echo.setDaemon(true);
        echo.start();
        System.out.println("listening " + args[0]);
        System.out.flush();
    }

    private static void echo(DatagramSocket udp) {
        Set<InetAddress> seen = new HashSet<>();
        byte[] buf = new byte[65536];
        while (true) {
            try {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                udp.receive(p);
                if (seen.add(p.getAddress())) {
                    udpPeer(p.getAddress());
                }
                udp.send(new DatagramPacket(p.getData(), p.getLength(), p.getSocketAddress()));
            } catch (IOException e) {
                return;
            }
        }
    }

    private static synchronized void udpPeer(InetAddress a) {
        System.out.println("udp-peer " + a.getHostAddress());
        System.out.flush();
    }

    private static synchronized void peer(InetSocketAddress a) {
        System.out.println("peer " + a.getAddress().getHostAddress());
        System.out.flush();
    }

    private static String param(String query, String name) {
        for (String kv : query.split("&")) {
            if (kv.startsWith(name + "=")) {
                return kv.substring(name.length() + 1);
            }
        }
        throw new IllegalArgumentException("no " + name + " in " + query);
    }
}
