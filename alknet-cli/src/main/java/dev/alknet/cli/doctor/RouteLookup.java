package dev.alknet.cli.doctor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Asks the kernel which way a packet would go ({@code ip route get}, which sends nothing), as this user: the
 * kernel applies the policy rules, uid ranges included, as it would for our own sockets.
 */
public final class RouteLookup {

    /** The answer: {@code dev} (null when the packet would be refused), the path MTU the kernel learned if any. */
    public record Route(String dev, Integer mtu, boolean blocked, String text) {
    }

    private RouteLookup() {
    }

    /** The route to {@code address}; {@code proto} ("tcp"/"udp") and {@code port} narrow it (0: any). */
    public static Route get(String address, String proto, int port) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ip", address.contains(":") ? "-6" : "-4", "route", "get", address));
        if (proto != null) {
            cmd.addAll(List.of("ipproto", proto, "dport", String.valueOf(port)));
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            p.getOutputStream().close();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("'" + String.join(" ", cmd) + "' did not answer within 5 s");
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return parse(out);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } finally {
            p.destroy();
        }
    }

    /**
     * Parses {@code ip route get} output, e.g. {@code 10.0.0.1 via 10.1.0.1 dev eth0 src 10.1.0.2 uid 0 \n cache
     * expires 598sec mtu 1400}, {@code unreachable 2001:db8::1 from :: dev lo table 5210 ...}, or an error such as
     * {@code RTNETLINK answers: Network is unreachable}.
     */
    static Route parse(String out) {
        String text = out.trim().replaceAll("\\s+", " ");
        String first = text.isEmpty() ? "" : text.split(" ")[0];
        boolean refused = List.of("unreachable", "prohibit", "blackhole", "throw").contains(first)
                || text.startsWith("RTNETLINK answers:") || text.startsWith("Error:");
        String[] w = text.split(" ");
        String dev = null;
        Integer mtu = null;
        for (int i = 0; i + 1 < w.length; i++) {
            if (w[i].equals("dev") && dev == null) {
                dev = w[i + 1];
            } else if (w[i].equals("mtu")) {
                // "mtu lock 1400": the number comes one word later
                mtu = number(w[i + 1].equals("lock") && i + 2 < w.length ? w[i + 2] : w[i + 1]);
            }
        }
        return new Route(refused ? null : dev, mtu, refused, text);
    }

    private static Integer number(String s) {
        try {
            return Integer.valueOf(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
