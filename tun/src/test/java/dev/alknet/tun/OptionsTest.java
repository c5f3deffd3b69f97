package dev.alknet.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class OptionsTest {

    @Test
    void namespaceMode() {
        Options o = Options.parse(new String[] {"--socks", "[::1]:1081", "-v", "--mtu=1500", "--", "curl", "-v", "x"});
        assertEquals(1081, o.socks.getPort());
        assertTrue(o.socks.getAddress().isLoopbackAddress());
        assertEquals(1500, o.mtu);
        assertEquals(1, o.verbose);
        assertEquals(List.of("curl", "-v", "x"), o.command);
    }

    @Test
    void routeAll() {
        Options o = Options.parse(new String[] {"--route-all", "--exclude", "192.168.1.77/24", "--exclude", "fd00::1",
            "--server", "203.0.113.5", "--exclude-uid", "1001", "--table", "7000"});
        assertTrue(o.routeAll);
        assertEquals(List.of("192.168.1.0/24", "fd00:0:0:0:0:0:0:1/128"), o.excludes);
        assertEquals(List.of("1001-1001"), o.excludeUids);
        assertEquals(7000, o.table);
    }

    @Test
    void mistakesAreUsageErrors() {
        for (String[] args : List.of(new String[] {}, new String[] {"--route-all", "--", "x"},
                new String[] {"--exclude", "10.0.0.0/8", "--", "x"}, new String[] {"--mtu", "99", "--", "x"},
                new String[] {"--socks", "nohostport", "--", "x"}, new String[] {"--exclude", "a.b", "--route-all"},
                new String[] {"--wat"}, new String[] {"--dev", "much-too-long-a-name", "--route-all"})) {
            TunException e = assertThrows(TunException.class, () -> Options.parse(args), String.join(" ", args));
            assertEquals(TunException.EXIT_USAGE, e.exitCode);
        }
    }
}
