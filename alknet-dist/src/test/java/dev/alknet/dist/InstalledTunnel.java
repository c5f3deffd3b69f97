package dev.alknet.dist;

import static dev.alknet.testkit.Ports.freePort;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real tunnel run by an installed {@code alknet} (a path to its launcher): keygen, {@code serve} on a loopback
 * port, {@code connect} with its SOCKS port, then curl through it to an origin in this JVM, compared byte for byte.
 * The environment is exactly {@code env}: the tests give it a PATH without a JDK.
 */
final class InstalledTunnel implements AutoCloseable {

    private static final Pattern SOCKS = Pattern.compile("SOCKS5h proxy on /127\\.0\\.0\\.1:(\\d+)");

    private final Path alknet;
    private final Map<String, String> env;
    private final Path home;
    private final List<Process> started = new ArrayList<>();
    Process serve;
    Process connect;
    int socksPort;

    InstalledTunnel(Path alknet, Path home, Map<String, String> env) {
        this.alknet = alknet;
        this.home = home;
        this.env = env;
    }

    /** Starts serve and connect; returns when connect's SOCKS port is ready. */
    InstalledTunnel start() throws Exception {
        Files.createDirectories(home);
        assertEquals(0, run(alknet.toString(), "keygen"), "keygen");
        Files.copy(home.resolve("id_ed25519.pub"), home.resolve("authorized_keys"));
        int serverPort = freePort();
        serve = spawn(List.of(alknet.toString(), "serve", "--listen", "tcp://127.0.0.1:" + serverPort, "--allow", "loopback"));
        awaitLine(serve, Pattern.compile("listening on tcp://127\\.0\\.0\\.1:" + serverPort), "serve listening");
        connect = spawn(List.of(alknet.toString(), "connect", "tcp://127.0.0.1:" + serverPort, "--socks", "127.0.0.1:0"));
        socksPort = Integer.parseInt(awaitLine(connect, SOCKS, "connect's SOCKS port").group(1));
        return this;
    }

    /** curl through the SOCKS port (names resolved by the server) fetches 4 MiB byte-exact. */
    void curlByteExact() throws Exception {
        byte[] body = new byte[4 << 20];
        new Random(42).nextBytes(body);
        HttpServer origin = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        origin.createContext("/blob", x -> {
            x.sendResponseHeaders(200, body.length);
            try (var out = x.getResponseBody()) {
                out.write(body);
            }
        });
        origin.start();
        try {
            Process curl = new ProcessBuilder("curl", "-sS", "--max-time", "60", "--socks5-hostname",
                    "127.0.0.1:" + socksPort, "http://localhost:" + origin.getAddress().getPort() + "/blob").start();
            CompletableFuture<byte[]> got = CompletableFuture.supplyAsync(() -> {
                try {
                    return curl.getInputStream().readAllBytes();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            assertTrue(curl.waitFor(90, TimeUnit.SECONDS), "curl finished");
            assertEquals(0, curl.exitValue(), () -> "curl: " + new String(readQuietly(curl), StandardCharsets.UTF_8));
            assertArrayEquals(body, got.get(10, TimeUnit.SECONDS), "bytes through the tunnel");
        } finally {
            origin.stop(0);
        }
    }

    int run(String... argv) throws Exception {
        Process p = spawn(List.of(argv));
        p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", argv));
        return p.exitValue();
    }

    /** Output (stdout and stderr) of a short command with this environment. */
    String output(String... argv) throws Exception {
        Process p = spawn(List.of(argv));
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", argv));
        assertEquals(0, p.exitValue(), String.join(" ", argv) + ":\n" + out);
        return out;
    }

    private Process spawn(List<String> argv) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().clear();
        pb.environment().putAll(env);
        pb.environment().put("ALKNET_HOME", home.toString());
        Process p = pb.start();
        started.add(p);
        return p;
    }

    /** Reads the process's output until a line matches (bounded in time); the rest is drained in the background. */
    private static Matcher awaitLine(Process p, Pattern pattern, String what) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        CompletableFuture<Matcher> found = CompletableFuture.supplyAsync(() -> {
            try {
                for (String line; (line = in.readLine()) != null; ) {
                    seen.append(line).append('\n');
                    Matcher m = pattern.matcher(line);
                    if (m.find()) {
                        Thread drain = new Thread(() -> {
                            try {
                                in.transferTo(java.io.Writer.nullWriter());
                            } catch (IOException ignored) {
                                // the process ended
                            }
                        });
                        drain.setDaemon(true);
                        drain.start();
                        return m;
                    }
                }
                return null;
            } catch (IOException e) {
                return null;
            }
        });
        Matcher m;
        try {
            m = found.get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            m = null;
        }
        if (m == null) {
            fail("no " + what + "; output:\n" + seen);
        }
        return m;
    }

    private static byte[] readQuietly(Process p) {
        try {
            return p.getErrorStream().readAllBytes();
        } catch (IOException e) {
            return new byte[0];
        }
    }

    /** The PIDs whose parent is {@code pid} (from /proc). */
    static List<Long> children(long pid) throws IOException {
        List<Long> kids = new ArrayList<>();
        try (var dirs = Files.list(Path.of("/proc"))) {
            for (Path d : dirs.filter(d -> d.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    String stat = Files.readString(d.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    if (Long.parseLong(f[1]) == pid) {
                        kids.add(Long.parseLong(d.getFileName().toString()));
                    }
                } catch (IOException gone) {
                    // exited meanwhile
                }
            }
        }
        return kids;
    }

    /** Whether any process on the machine runs the AOT training from {@code installDir}. */
    static boolean trainingRunsFrom(Path installDir) throws IOException {
        try (var dirs = Files.list(Path.of("/proc"))) {
            for (Path d : dirs.filter(d -> d.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    String cmd = new String(Files.readAllBytes(d.resolve("cmdline")), StandardCharsets.UTF_8);
                    if (cmd.contains("AotTraining") && cmd.contains(installDir.toString())) {
                        return true;
                    }
                } catch (IOException gone) {
                    // exited meanwhile
                }
            }
        }
        return false;
    }

    @Override
    public void close() throws InterruptedException {
        for (Process p : started) {
            p.destroy();
        }
        for (Process p : started) {
            if (!p.waitFor(15, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }
}
