package dev.alknet.it;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Run inside {@link SlowDnsEndToEndTest}'s namespace, whose DNS never answers: {@code SlowDnsProbe SOCKS_PORT ECHO_PORT
 * PHASE...}, each phase {@code forward PORT} (one connection to a {@code -R} port whose target is a name) or
 * {@code dynamic PORT N} (N names asked of a dynamic {@code -R} port at once). A phase makes the client look names up
 * and keeps those connections open; then for {@value #WATCH_MILLIS} ms a SOCKS5 CONNECT to 127.0.0.1:ECHO_PORT goes
 * through the client every 200 ms, each of which must be answered within {@value #ANSWER_MILLIS} ms (the DNS takes
 * 30 s). Prints {@code PHASE answered N} per phase, or {@code PHASE stalled: WHAT} and exits 1.
 */
public final class SlowDnsProbe {

    static final int WATCH_MILLIS = 3_000;
    static final int ANSWER_MILLIS = 10_000;

    private SlowDnsProbe() {
    }

    public static void main(String[] args) throws Exception {
        int socks = Integer.parseInt(args[0]);
        int echo = Integer.parseInt(args[1]);
        List<Socket> held = new ArrayList<>();
        for (int at = 2; at < args.length; ) {
            String phase = args[at];
            int port = Integer.parseInt(args[at + 1]);
            if (phase.equals("forward")) {
                held.add(new Socket("127.0.0.1", port));
                at += 2;
            } else {
                int names = Integer.parseInt(args[at + 2]);
                for (int i = 0; i < names; i++) {
                    Socket s = new Socket("127.0.0.1", port);
                    s.getOutputStream().write(E2e.request(E2e.CONNECT, "n" + i + ".slow.alknet-test", 80));
                    held.add(s);
                }
                at += 3;
            }
            String stall = watch(socks, echo);
            if (stall != null) {
                System.out.println(phase + " stalled: " + stall);
                System.exit(1);
            }
            System.out.println(phase + " answered");
        }
        for (Socket s : held) {
            s.close();
        }
        System.exit(0);
    }

    /** Null if every CONNECT through the client was answered in time, else what went wrong. */
    private static String watch(int socks, int echo) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WATCH_MILLIS);
        for (int n = 0; System.nanoTime() < end; n++) {
            long start = System.nanoTime();
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", socks), ANSWER_MILLIS);
                s.setSoTimeout(ANSWER_MILLIS);
                s.getOutputStream().write(E2e.request(E2e.CONNECT, "127.0.0.1", echo));
                int rep = E2e.readReply(s.getInputStream());
                if (rep != E2e.SUCCEEDED) {
                    return "reply " + rep;
                }
            } catch (SocketTimeoutException e) {
                return "no SOCKS reply within " + ANSWER_MILLIS + " ms (request " + n + ", after "
                        + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms)";
            } catch (IOException e) {
                return e.toString();
            }
            Thread.sleep(200);
        }
        return null;
    }
}
