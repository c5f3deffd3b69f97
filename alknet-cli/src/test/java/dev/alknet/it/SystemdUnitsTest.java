package dev.alknet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * packaging/*.service pass {@code systemd-analyze verify} with nothing to complain about (skipped where systemd is
 * not installed). The binaries are not installed here, so /usr/bin/alknet* are pointed at /bin/true for the check.
 */
class SystemdUnitsTest {

    private static final Path PACKAGING = Path.of(System.getProperty("user.dir")).resolveSibling("packaging");

    @Test
    void unitsVerifyCleanlyAndKeepTheirHardening() throws Exception {
        for (String unit : List.of("alknet-server.service", "alknet-client.service", "alknet-tun.service")) {
            String text = Files.readString(PACKAGING.resolve(unit));
            assertTrue(text.contains("NoNewPrivileges=yes") && text.contains("ProtectSystem=strict"), unit);
            assertTrue(text.contains("AmbientCapabilities=CAP_NET_ADMIN") == unit.equals("alknet-tun.service"), unit);
        }
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/systemd-analyze")), "systemd-analyze not installed");
        Path dir = Files.createTempDirectory("alknet-units-");
        for (String unit : List.of("alknet-server.service", "alknet-client.service", "alknet-tun.service")) {
            Path copy = dir.resolve(unit);
            Files.writeString(copy, Files.readString(PACKAGING.resolve(unit))
                    .replace("/usr/bin/alknet-tun", "/bin/true").replace("/usr/bin/alknet", "/bin/true"));
            Process p = new ProcessBuilder("systemd-analyze", "verify", copy.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), unit);
            assertEquals(0, p.exitValue(), unit + ":\n" + out);
            // Unknown keys and bad values are only warnings to systemd: no line may mention our unit.
            assertTrue(out.lines().noneMatch(l -> l.contains(unit)), unit + ":\n" + out);
        }
    }
}
