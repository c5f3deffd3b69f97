package dev.alknet.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What a user sees when alknet-tun cannot work: one line, a distinct exit code, nothing changed. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PreflightErrorsTest {

    private static Sh.Result run(List<String> prefix, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(Sh.java("dev.alknet.tun.Main", args));
        return Sh.run(cmd, Map.of(), Duration.ofSeconds(25));
    }

    private static void oneLine(Sh.Result r, int exit, String text) {
        assertEquals(exit, r.exit(), r.toString());
        List<String> lines = r.err().lines().toList();
        assertEquals(1, lines.size(), r.toString());
        assertTrue(lines.get(0).startsWith("alknet-tun: ") && lines.get(0).contains(text), r.toString());
    }

    private static boolean root() {
        return Preflight.euid() == 0;
    }

    @Test
    void notRoot() throws Exception {
        List<String> asNobody = root() ? List.of("setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups",
                "--") : List.of();
        oneLine(run(asNobody, "--socks", "127.0.0.1:1", "--", "true"), 125, "needs root");
        oneLine(run(asNobody, "--route-all"), 125, "needs root");
    }

    @Test
    void rootWithoutCapNetAdmin() throws Exception {
        assumeTrue(root(), "needs root");
        oneLine(run(List.of("setpriv", "--bounding-set", "-net_admin", "--inh-caps", "-net_admin", "--"),
                "--", "true"), 125, "without CAP_NET_ADMIN");
    }

    @Test
    void noTunDevice() throws Exception {
        assumeTrue(root() && Files.exists(Path.of("/dev/net/tun")), "needs root");
        // a private mount namespace for this one process only, with an empty /dev/net
        oneLine(run(List.of("unshare", "--mount", "--propagation", "private", "--", "sh", "-c",
                "mount -t tmpfs none /dev/net && exec \"$@\"", "sh"), "--", "true"), 125, "/dev/net/tun does not exist");
    }

    @Test
    void unknownCommandAndBadUsage() throws Exception {
        if (root()) {
            oneLine(run(List.of(), "--", "no-such-command-here"), 127, "no-such-command-here: command not found");
        }
        oneLine(run(List.of(), "--mtu", "12", "--", "true"), 2, "--mtu 12");
        oneLine(run(List.of(), "--route-all", "--", "true"), 2, "--route-all takes no COMMAND");
        oneLine(run(List.of()), 2, "give a COMMAND");
    }
}
