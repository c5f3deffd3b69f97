package dev.alknet.it;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Run inside {@link SlowDnsEndToEndTest}'s namespace, whose DNS never answers: {@code SlowDnsProbe SOCKS_PORT
 * ECHO_PORT forward PORT} opens one connection to a {@code -R} port whose target is a name; {@code ... dynamic PORT N}
 * asks a dynamic {@code -R} port for N names at once. Both make the client look names up and keep
 * those connections open; then for {@value #WATCH_MILLIS} ms a SOCKS5 CONNECT to 127.0.0.1:ECHO_PORT goes
 * through the client every 200 ms, each of which must be answered within {@value #ANSWER_MILLIS} ms (the DNS takes
 * 30 s). Prints {@code answered N} or {@code stalled: WHAT}; exits 0 only in the first case.
 */
public final class SlowDnsProbe {

    static final int WATCH_MILLIS = 3_000;
    static final int ANSWER_MILLIS = 10_000;

    private SlowDnsProbe() {
    }

    public static void main(String[] args) throws Exception {
        int socks = Integer.parseInt(args[0]);
        int target = Integer.parseInt(args[1]);
        int port = Integer.parseInt(args[3]);
        List<Socket> held = new ArrayList<>();
        if (args[2].equals("forward")) {
            held.add(new Socket("127.0.0.1", port));
        } else {
            for (int i = 0; i < Integer.parseInt(args[4]); i++) {
                Socket s = new Socket("127.0.0.1", port);
                s.getOutputStream().write(E2e.request(E2e.CONNECT, "n" + i + ".slow.alknet-test", 80));
                held.add(s);
            }
        }
        int answered = 0;
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WATCH_MILLIS);
        while (System.nanoTime() < end) {
            long start = System.nanoTime();
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", socks), ANSWER_MILLIS);
                s.setSoTimeout(ANSWER_MILLIS);
                s.getOutputStream().write(E2e.request(E2e.CONNECT, "127.0.0.1", target));
                int rep = E2e.readReply(s.getInputStream());
                if (rep != E2e.SUCCEEDED) {
                    System.out.println("stalled: reply " + rep);
                    System.exit(1);
                }
            } catch (SocketTimeoutException e) {
                System.out.println("stalled: no SOCKS reply within " + ANSWER_MILLIS + " ms (request " + answered
                        + ", after " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms)");
                System.exit(1);
            } catch (IOException e) {
                System.out.println("stalled: " + e);
                System.exit(1);
            }
            answered++;
            Thread.sleep(200);
        }
        System.out.println("answered " + answered);
        for (Socket s : held) {
            s.close();
        }
        System.exit(0);
    }
}
