package dev.alknet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alknet.cli.config.ConfigArgs;
import dev.alknet.cli.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/** {@code --config FILE}: every flag is a key, the command line wins, mistakes name the file and the key. */
class ConfigFileTest {

    @TempDir
    Path dir;

    private Object parse(String yaml, String... args) throws IOException {
        Path file = dir.resolve("alknet.yaml");
        Files.writeString(file, yaml);
        CommandLine cli = cli();
        String[] full = new String[args.length + 2];
        System.arraycopy(args, 0, full, 0, args.length);
        full[args.length] = "--config";
        full[args.length + 1] = file.toString();
        ParseResult parsed = cli.parseArgs(ConfigArgs.expand(cli, full).args());
        return parsed.subcommand().commandSpec().userObject();
    }

    private static CommandLine cli() {
        CommandLine cli = new CommandLine(new Main());
        cli.registerConverter(Duration.class, Durations::parse);
        return cli;
    }

    @Test
    void everyKindOfServeFlagComesFromTheFile() throws IOException {
        ServeCommand serve = (ServeCommand) parse("""
                listen: [tcp://127.0.0.1:2222, tls://:443]
                home: /srv/alknet
                client-alive-interval: 7s
                max-auth-attempts: 3
                allow-remote-bind: true
                stealth: compatible
                stealth-site: /srv/www
                tls-cert: /etc/c.pem
                tls-key: /etc/k.pem
                """, "serve");
        assertEquals(List.of("tcp://127.0.0.1:2222", "tls://:443"), serve.listen);
        assertEquals(Path.of("/srv/alknet"), serve.home.home);
        assertEquals(Duration.ofSeconds(7), serve.clientAliveInterval);
        assertEquals(3, serve.maxAuthAttempts);
        assertTrue(serve.allowRemoteBind);
        assertEquals("compatible", serve.stealth);
        assertEquals(Path.of("/srv/www"), serve.stealthSite);
        assertEquals(Path.of("/etc/c.pem"), serve.transport.tlsCert);
    }

    @Test
    void theCommandLineWinsAndAListIsReplacedNotExtended() throws IOException {
        ServeCommand serve = (ServeCommand) parse("""
                listen: [tcp://127.0.0.1:2222, tls://:443]
                max-auth-attempts: 3
                stealth: true
                """, "serve", "--listen", "quic://:443", "--max-auth-attempts=5");
        assertEquals(List.of("quic://:443"), serve.listen);
        assertEquals(5, serve.maxAuthAttempts);
        assertEquals("compatible", serve.stealth); // true: the bare flag
    }

    @Test
    void connectTakesItsServersAndRepeatableForwardsFromTheFile() throws IOException {
        ConnectCommand connect = (ConnectCommand) parse("""
                server: [tls://a.example, quic://b.example]
                socks: 127.0.0.1:1081
                local-forward: ["8080:web:80", "9090:db:5432"]
                strict-host-key: false
                failback-interval: 30s
                """, "connect");
        assertEquals(List.of("tls://a.example", "quic://b.example"), connect.servers);
        assertEquals(List.of("127.0.0.1:1081"), connect.socks);
        assertEquals(2, connect.localForwards.size());
        assertFalse(connect.strictHostKey);
        assertEquals(Duration.ofSeconds(30), connect.failover.failbackInterval);

        ConnectCommand typed = (ConnectCommand) parse("server: tls://a.example\n", "connect", "tcp://c.example");
        assertEquals(List.of("tcp://c.example"), typed.servers);
    }

    @Test
    void doctorReadsConnectsFileSkippingWhatOnlyConnectDoes() throws IOException {
        String connectFile = """
                server: [tls://a.example, quic://b.example]
                socks: 127.0.0.1:1081
                local-forward: ["8080:web:80"]
                io-threads: 1
                """;
        assertEquals(List.of("tls://a.example", "quic://b.example"),
                ((ConnectCommand) parse(connectFile, "connect")).servers);
        DoctorCommand doctor = (DoctorCommand) parse(connectFile, "doctor");
        assertEquals(List.of("tls://a.example", "quic://b.example"), doctor.servers);
        assertEquals(List.of("127.0.0.1:1081"), doctor.socks);
        Path file = dir.resolve("typo.yaml");
        Files.writeString(file, connectFile + "sokcs: 127.0.0.1:1082\n");
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigArgs.expand(cli(), new String[] {"doctor", "--config", file.toString()}));
        assertTrue(e.getMessage().contains("unknown key 'sokcs'"), e.getMessage());
    }

    @Test
    void mistakesAreOneLineNamingFileAndKey() throws IOException {
        Path file = dir.resolve("bad.yaml");
        for (String[] bad : new String[][] {
                {"bogus: 1\n", "unknown key 'bogus'"},
                {"log-level: [a, b]\n", "key 'log-level' takes one value"},
                {"strict-host-key: maybe\n", "key 'strict-host-key': expected true or false"},
                {"socks: {a: b}\n", "key 'socks': expected a value"},
                {"socks: [a\n", "not valid YAML"},
                {"- a\n", "expected 'key: value'"}}) {
            Files.writeString(file, bad[0]);
            ConfigException e = assertThrows(ConfigException.class,
                    () -> ConfigArgs.expand(cli(), new String[] {"connect", "--config", file.toString()}), bad[0]);
            assertTrue(e.getMessage().startsWith(file.toString()) && e.getMessage().contains(bad[1]), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        }
        ConfigException missing = assertThrows(ConfigException.class,
                () -> ConfigArgs.expand(cli(), new String[] {"serve", "--config", dir.resolve("nope.yaml").toString()}));
        assertTrue(missing.getMessage().contains("no such file"), missing.getMessage());
    }

    @Test
    void aBadValueIsBlamedOnItsKeyByTheCli() throws IOException {
        Path file = dir.resolve("c.yaml");
        Files.writeString(file, "listen: tcp://127.0.0.1:0\nclient-alive-interval: soon\n");
        java.io.StringWriter err = new java.io.StringWriter();
        int exit = Main.run(null, new java.io.PrintWriter(err), "serve", "--config", file.toString());
        assertEquals(2, exit);
        String first = err.toString().lines().findFirst().orElse("");
        assertTrue(first.startsWith("alknet: " + file + ": key 'client-alive-interval': ")
                && first.contains("bad duration 'soon'"), err.toString());
    }
}
