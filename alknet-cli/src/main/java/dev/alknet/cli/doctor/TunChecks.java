package dev.alknet.cli.doctor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Whether alknet-tun's TUN is up in this network namespace (route-all runs here), and its MTU line. */
public final class TunChecks {

    public record Tun(String dev, int mtu) {
    }

    private TunChecks() {
    }

    /** The TUN named {@code dev}, or null when there is no such interface here. */
    public static Tun find(String dev) {
        if (dev.contains("/") || dev.startsWith(".")) {
            throw new IllegalArgumentException("--tun-dev: not an interface name: " + dev);
        }
        Path p = Path.of("/sys/class/net", dev);
        if (!Files.isDirectory(p)) {
            return null;
        }
        try {
            return new Tun(dev, Integer.parseInt(Files.readString(p.resolve("mtu")).trim()));
        } catch (IOException | NumberFormatException e) {
            return new Tun(dev, -1);
        }
    }

    public static Check absent(String dev) {
        return fixed("tun", Verdict.skip("tun", "no " + dev + " here (alknet-tun --route-all not running):"
                + " routing-loop, DNS and IPv6 leak checks skipped"));
    }

    public static Check mtu(Tun tun) {
        return fixed("mtu", MtuCheck.tun(tun.dev(), tun.mtu()));
    }

    private static Check fixed(String name, Verdict v) {
        return new Check() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public List<Verdict> run() {
                return List.of(v);
            }
        };
    }
}
