package dev.alknet.tun;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Run inside a namespace (under alknet-tun): each argument is one probe, {@code KIND/ARG/ARG...}, and prints one line:
 *
 * <pre>
 *   udp/HOST/PORT                 -> udp HOST PORT refused|reply|timeout
 *   dns/SERVER/NAME/TYPE          -> dns NAME TYPE rcode=R answers=N [ADDRESS...]
 *   connect/HOST/PORT             -> connect HOST PORT ok|refused|reset|unreachable|timeout
 *   halfclose/HOST/PORT/SIZE      -> halfclose ok SIZE | halfclose bad ...
 *   concurrent/HOST/PORT/N        -> concurrent ok N | concurrent failed K ...
 * </pre>
 */
public final class TunProbe {

    private TunProbe() {
    }

    public static void main(String[] args) throws Exception {
        for (String a : args) {
            String[] p = a.split("/");
            String line;
            try {
                line = switch (p[0]) {
                    case "udp" -> "udp " + p[1] + " " + p[2] + " " + udp(p[1], Integer.parseInt(p[2]));
                    case "dns" -> "dns " + p[2] + " " + p[3] + " " + dns(p[1], p[2], Integer.parseInt(p[3]));
                    case "connect" -> "connect " + p[1] + " " + p[2] + " " + connect(p[1], Integer.parseInt(p[2]));
                    case "halfclose" -> "halfclose " + halfClose(p[1], Integer.parseInt(p[2]), Integer.parseInt(p[3]));
                    case "concurrent" -> "concurrent " + concurrent(p[1], Integer.parseInt(p[2]),
                            Integer.parseInt(p[3]));
                    default -> "unknown probe " + a;
                };
            } catch (Exception e) {
                line = p[0] + " error " + e;
            }
            System.out.println(line);
            System.out.flush();
        }
    }

    static String udp(String host, int port) throws IOException {
        try (DatagramSocket s = new DatagramSocket()) {
            s.connect(new InetSocketAddress(InetAddress.getByName(host), port));
            s.setSoTimeout(3000);
            byte[] hello = "hello".getBytes(StandardCharsets.US_ASCII);
            s.send(new DatagramPacket(hello, hello.length));
            try {
                s.receive(new DatagramPacket(new byte[1500], 1500));
                return "reply";
            } catch (PortUnreachableException e) {
                return "refused";
            } catch (SocketTimeoutException e) {
                return "timeout";
            }
        }
    }

    static String dns(String server, String name, int type) throws IOException {
        ByteBuffer q = ByteBuffer.allocate(512);
        q.putShort((short) 0x4242).putShort((short) 0x0100).putShort((short) 1).putShort((short) 0).putShort((short) 0)
                .putShort((short) 0);
        for (String label : name.split("\\.")) {
            q.put((byte) label.length()).put(label.getBytes(StandardCharsets.US_ASCII));
        }
        q.put((byte) 0).putShort((short) type).putShort((short) 1);
        try (DatagramSocket s = new DatagramSocket()) {
            s.connect(new InetSocketAddress(InetAddress.getByName(server), 53));
            s.setSoTimeout(3000);
            s.send(new DatagramPacket(q.array(), q.position()));
            byte[] buf = new byte[1500];
            DatagramPacket r = new DatagramPacket(buf, buf.length);
            try {
                s.receive(r);
            } catch (SocketTimeoutException e) {
                return "timeout";
            } catch (PortUnreachableException e) {
                return "refused";
            }
            ByteBuffer b = ByteBuffer.wrap(buf, 0, r.getLength());
            int rcode = b.getShort(2) & 0xf;
            int answers = b.getShort(6) & 0xffff;
            StringBuilder out = new StringBuilder("rcode=" + rcode + " answers=" + answers);
            int i = 12;
            while (buf[i] != 0) {
                i += (buf[i] & 0xff) + 1;
            }
            i += 5;
            for (int k = 0; k < answers; k++) {
                i += 2; // the compression pointer
                int rtype = b.getShort(i) & 0xffff;
                int len = b.getShort(i + 8) & 0xffff;
                if (rtype == 1 || rtype == 28) {
                    out.append(' ').append(InetAddress.getByAddress(Arrays.copyOfRange(buf, i + 10, i + 10 + len))
                            .getHostAddress());
                }
                i += 10 + len;
            }
            return out.toString();
        }
    }

    static String connect(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getByName(host), port), 5000);
            return "ok";
        } catch (ConnectException e) {
            String m = String.valueOf(e.getMessage());
            return m.contains("refused") ? "refused" : m.contains("unreachable") ? "unreachable" : "failed " + m;
        } catch (NoRouteToHostException e) {
            return "unreachable";
        } catch (SocketTimeoutException e) {
            return "timeout";
        } catch (SocketException e) {
            String m = String.valueOf(e.getMessage());
            return m.contains("reset") ? "reset" : m.contains("unreachable") ? "unreachable" : "failed " + m;
        } catch (IOException e) {
            return "failed " + e;
        }
    }

    static String halfClose(String host, int port, int size) throws Exception {
        byte[] data = new byte[size];
        for (int i = 0; i < size; i++) {
            data[i] = (byte) (i * 31 + (i >>> 8));
        }
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getByName(host), port), 5000);
            s.setSoTimeout(20_000);
            Thread writer = new Thread(() -> {
                try {
                    OutputStream out = s.getOutputStream();
                    out.write(data);
                    s.shutdownOutput();
                } catch (IOException e) {
                    // the reader reports
                }
            });
            writer.start();
            byte[] got = s.getInputStream().readAllBytes();
            writer.join(20_000);
            return Arrays.equals(got, data) ? "ok " + size : "bad got " + got.length + " of " + size;
        }
    }

    static String concurrent(String host, int port, int n) throws Exception {
        InetSocketAddress target = new InetSocketAddress(InetAddress.getByName(host), port);
        ExecutorService pool = Executors.newFixedThreadPool(32);
        List<Future<Socket>> opening = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            opening.add(pool.submit(() -> {
                Socket s = new Socket();
                s.connect(target, 10_000);
                s.setSoTimeout(20_000);
                return s;
            }));
        }
        List<Socket> open = new ArrayList<>();
        int failed = 0;
        String first = null;
        for (Future<Socket> f : opening) {
            try {
                open.add(f.get(30, TimeUnit.SECONDS));
            } catch (Exception e) {
                failed++;
                first = first == null ? String.valueOf(e.getCause()) : first;
            }
        }
        // all open at once now: each says its number and reads it back
        List<Future<Boolean>> talks = new ArrayList<>();
        for (int i = 0; i < open.size(); i++) {
            Socket s = open.get(i);
            byte[] msg = ("connection " + i + " of " + n + "\n").getBytes(StandardCharsets.US_ASCII);
            talks.add(pool.submit(() -> {
                s.getOutputStream().write(msg);
                byte[] back = new byte[msg.length];
                new DataInputStream(s.getInputStream()).readFully(back);
                return Arrays.equals(back, msg);
            }));
        }
        for (Future<Boolean> t : talks) {
            try {
                if (!t.get(30, TimeUnit.SECONDS)) {
                    failed++;
                }
            } catch (Exception e) {
                failed++;
                first = first == null ? String.valueOf(e.getCause()) : first;
            }
        }
        for (Socket s : open) {
            s.close();
        }
        pool.shutdownNow();
        return failed == 0 ? "ok " + n : "failed " + failed + " of " + n + ": " + first;
    }
}
