package dev.alknet.server.stealth;

import static dev.alknet.testkit.Ports.freePort;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** A real nginx (Debian's), run in the foreground from a scratch directory: the reference web server. */
final class Nginx implements AutoCloseable {

    static final Path BINARY = Path.of("/usr/sbin/nginx");

    final int httpPort;
    final int httpsPort;
    private final Process process;

    private Nginx(int httpPort, int httpsPort, Process process) {
        this.httpPort = httpPort;
        this.httpsPort = httpsPort;
        this.process = process;
    }

    static boolean installed() {
        return Files.isExecutable(BINARY);
    }

    /**
     * Serves {@code site} on a plain and an ssl port with Debian's defaults that matter here
     * ({@code keepalive_timeout 65}, mime.types), {@code server_tokens off} and the given header timeout.
     */
    static Nginx start(Path dir, Path site, Path cert, Path key, int headerTimeoutSeconds) throws Exception {
        int http = freePort();
        int https = freePort();
        Path tmp = Files.createDirectories(dir.resolve("nginx"));
        String mime = Files.isReadable(Path.of("/etc/nginx/mime.types")) ? "include /etc/nginx/mime.types;" : "";
        String conf = String.join("\n",
                "daemon off;", "master_process off;", "worker_processes 1;",
                "pid " + tmp.resolve("nginx.pid") + ";", "error_log " + tmp.resolve("error.log") + ";",
                "events { worker_connections 128; }",
                "http {",
                "  " + mime, "  default_type application/octet-stream;",
                "  access_log off;",
                "  client_body_temp_path " + tmp + "; proxy_temp_path " + tmp + "; fastcgi_temp_path " + tmp + ";",
                "  uwsgi_temp_path " + tmp + "; scgi_temp_path " + tmp + ";",
                "  sendfile on; keepalive_timeout 65; server_tokens off;",
                "  client_header_timeout " + headerTimeoutSeconds + "s;",
                "  server {",
                "    listen 127.0.0.1:" + http + ";",
                "    listen 127.0.0.1:" + https + " ssl;",
                "    ssl_certificate " + cert + "; ssl_certificate_key " + key + ";",
                "    ssl_protocols TLSv1.2 TLSv1.3;",
                "    root " + site + "; index index.html;",
                "  }",
                "}", "");
        Path confFile = tmp.resolve("nginx.conf");
        Files.writeString(confFile, conf);
        Process p = new ProcessBuilder(BINARY.toString(), "-p", tmp.toString(), "-c", confFile.toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("out.log").toFile()).start();
        Nginx n = new Nginx(http, https, p);
        try {
            waitFor(http, p, tmp);
            waitFor(https, p, tmp);
        } catch (Exception e) {
            n.close();
            throw e;
        }
        return n;
    }

    private static void waitFor(int port, Process p, Path tmp) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IOException("nginx exited: " + Files.readString(tmp.resolve("out.log"))
                        + (Files.exists(tmp.resolve("error.log")) ? Files.readString(tmp.resolve("error.log")) : ""));
            }
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        throw new IOException("nginx never listened on " + port);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
