package dev.alknet.it;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Run inside a test network namespace: {@code NetnsProbe SOCKS_PORT HOST:PORT...} sends one SOCKS5 CONNECT per
 * target, all at once, and prints {@code HOST:PORT REP MILLIS} per target ({@code REP} -1 on an I/O error).
 */
public final class NetnsProbe {

    private NetnsProbe() {
    }

    public static void main(String[] args) throws Exception {
        int socks = Integer.parseInt(args[0]);
        List<Thread> threads = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            String target = args[i];
            int colon = target.lastIndexOf(':');
            String host = target.substring(0, colon);
            int port = Integer.parseInt(target.substring(colon + 1));
            Thread t = new Thread(() -> {
                long start = System.nanoTime();
                String rep;
                try {
                    rep = String.valueOf(E2e.connect(socks, host, port));
                } catch (Exception e) {
                    rep = "-1 " + e;
                }
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                synchronized (System.out) {
                    System.out.println(target + " " + rep.split(" ")[0] + " " + ms + (rep.startsWith("-1") ? " " + rep : ""));
                }
            });
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join(60_000);
        }
        System.out.flush();
    }
}
