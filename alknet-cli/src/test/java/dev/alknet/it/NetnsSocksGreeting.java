package dev.alknet.it;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;

/**
 * Run inside a test network namespace: {@code NetnsSocksGreeting SOURCE HOST PORT [SOURCE HOST PORT]...} connects
 * from SOURCE to a SOCKS listener, sends a SOCKS5 greeting (no auth) and reads until the listener answers or closes;
 * prints {@code SOURCE HOST PORT bytes N END} per triple, with N the number of bytes it answered and END one of
 * {@code answered} (the 2-byte method selection), {@code eof}, {@code reset} or {@code timeout} (after 10 s).
 */
public final class NetnsSocksGreeting {

    private NetnsSocksGreeting() {
    }

    public static void main(String[] args) throws Exception {
        for (int i = 0; i + 2 < args.length; i += 3) {
            System.out.println(args[i] + " " + args[i + 1] + " " + args[i + 2] + " "
                    + greet(args[i], args[i + 1], Integer.parseInt(args[i + 2])));
        }
    }

    private static String greet(String source, String host, int port) throws Exception {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
            s.connect(new InetSocketAddress(InetAddress.getByName(host), port), 10_000);
            s.setSoTimeout(10_000);
            InputStream in = s.getInputStream();
            long n = 0;
            String end;
            try {
                s.getOutputStream().write(new byte[] {5, 1, 0}); // may meet the refusal's reset already
                while (in.read() >= 0) {
                    n++;
                    if (n == 2) {
                        break; // the whole SOCKS5 method selection: an answer, not a refusal
                    }
                }
                end = n == 2 ? "answered" : "eof";
            } catch (SocketTimeoutException e) {
                end = "timeout";
            } catch (SocketException e) {
                end = "reset";
            }
            return "bytes " + n + " " + end;
        }
    }
}
