package dev.alknet.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alknet.core.config.ServerAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which listen addresses make a server "loopback only", which --local-clients needs. */
class PolicyOptionsTest {

    private static List<ServerAddress> listen(String... urls) {
        return List.of(urls).stream().map(u -> ServerAddress.parse(u, true)).toList();
    }

    @Test
    void loopbackLiteralsAndLocalhostAreLoopbackOnly() {
        assertTrue(PolicyOptions.loopbackOnly(listen("tcp://127.0.0.1:2222", "tls://[::1]:443")));
        assertTrue(PolicyOptions.loopbackOnly(listen("quic://localhost:443")));
        assertTrue(PolicyOptions.loopbackOnly(listen("tcp://127.3.4.5:22")));
    }

    @Test
    void wildcardsPublicAddressesAndNamesAreNot() {
        assertFalse(PolicyOptions.loopbackOnly(listen("tcp://127.0.0.1:2222", "tls://0.0.0.0:443")));
        assertFalse(PolicyOptions.loopbackOnly(listen("tls://:443")));
        assertFalse(PolicyOptions.loopbackOnly(listen("tcp://[::]:2222")));
        assertFalse(PolicyOptions.loopbackOnly(listen("tcp://192.0.2.1:2222")));
        assertFalse(PolicyOptions.loopbackOnly(listen("tcp://server.example:2222")));
    }

    @Test
    void localClientsNeedsLoopbackListenersOnly() throws Exception {
        PolicyOptions none = parse(); // with the flags' defaults
        none.accessOptions(true);
        none.accessOptions(false); // no flag: a wide listener is fine, and a loopback one opens nothing more
        PolicyOptions local = parse("--local-clients");
        local.accessOptions(true);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> local.accessOptions(false));
        assertTrue(e.getMessage().contains("--local-clients needs every --listen address on loopback"), e.getMessage());
    }

    private static PolicyOptions parse(String... args) {
        PolicyOptions o = new PolicyOptions();
        picocli.CommandLine cli = new picocli.CommandLine(o);
        cli.registerConverter(java.time.Duration.class, Durations::parse);
        cli.parseArgs(args);
        return o;
    }
}
