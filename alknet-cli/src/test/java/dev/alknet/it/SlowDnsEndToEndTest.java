package dev.alknet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.alknet.testkit.Netns;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A DNS that never answers must not stall the client's event loop, which carries its SSH session and every SOCKS
 * stream. Real {@code alknet serve} and {@code alknet connect} run in a network namespace whose resolver points at an
 * address that swallows queries (a route into a second namespace that does not forward), 30 s per lookup. Someone who
 * can reach the server's {@code -R} ports then makes the client look names up: a {@code -R} whose target is a name
 * (the client resolved it on its loop), and a dynamic {@code -R} asked for more names than the lookup threads (the
 * next lookups ran on the asking loop). Meanwhile SOCKS requests through the same client must go on being answered.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SlowDnsEndToEndTest {

    private static final String NAMESERVER = "203.0.113.53";

    @Test
    void lookupsOfASilentDnsLeaveTheClientLoopRunning() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root to create network namespaces");
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/ip")) || Files.isExecutable(Path.of("/sbin/ip"))
                || Files.isExecutable(Path.of("/usr/bin/ip")), "iproute2 'ip' not installed");
        try (Netns a = Netns.create("alkdns", "a"); Netns b = Netns.create("alkdns", "b")) {
            a.ip("link", "add", "va", "type", "veth", "peer", "name", "vb", "netns", b.name);
            a.ip("addr", "add", "10.204.0.1/30", "dev", "va");
            b.ip("addr", "add", "10.204.0.2/30", "dev", "vb");
            a.ip("link", "set", "va", "up");
            b.ip("link", "set", "vb", "up");
            b.run("sh", "-c", "echo 0 > /proc/sys/net/ipv4/ip_forward"); // B drops what is not for it: no answer
            a.ip("route", "add", NAMESERVER + "/32", "via", "10.204.0.2");
            a.etc("resolv.conf", "nameserver " + NAMESERVER + "\noptions timeout:30 attempts:1\n");
            // the machine's own name stays answerable without DNS (a JVM or logger may ask for it)
            a.etc("hosts", "127.0.0.1 localhost " + InetAddress.getLocalHost().getHostName() + "\n::1 localhost\n");

            E2e.Keys k = E2e.keys();
            List<String> inA = a.exec();
            try (Cli.Running serve = Cli.Running.start(Cli.command(inA, "dev.alknet.cli.Main", "serve", "--home",
                    k.dir().toString(), "--listen", "tcp://127.0.0.1:2222", "--allow", "loopback"), Map.of())) {
                serve.awaitLine(l -> l.contains("listening on tcp://127.0.0.1:2222"), Duration.ofSeconds(30));
                try (Cli.Running connect = Cli.Running.start(Cli.command(inA, "dev.alknet.cli.Main", "connect",
                        "tcp://127.0.0.1:2222", "--home", k.dir().toString(), "--socks", "127.0.0.1:1080",
                        "-R", "127.0.0.1:7001:slow.alknet-test:80", "-R", "127.0.0.1:7002"), Map.of())) {
                    connect.awaitLine(l -> l.contains("server listening on 127.0.0.1:7001"), Duration.ofSeconds(30));
                    connect.awaitLine(l -> l.contains("server listening on 127.0.0.1:7002"), Duration.ofSeconds(30));

                    // 24 names: more than the client's 16 lookup threads
                    Cli.Result r = Cli.runCommand(Cli.command(inA, SlowDnsProbe.class.getName(), "1080", "2222",
                            "forward", "7001", "dynamic", "7002", "24"), Map.of(), Duration.ofSeconds(60));
                    assertEquals(0, r.exit(), r + "\nclient:\n" + connect.stderrText());
                }
            }
        }
    }
}
