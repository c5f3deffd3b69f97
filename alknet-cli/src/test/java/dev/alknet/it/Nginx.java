package dev.alknet.it;

import dev.alknet.testkit.Eventually;
import dev.alknet.testkit.PortProbe;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real nginx (Debian's nginx-light) in the foreground, with everything (config, pid, logs, temp files) in its own
 * directory: a static site over TLS on a loopback port, and a WebSocket location proxied to a backend port as the
 * operator guide shows ("Behind nginx or a CDN"). {@link #restart()} stops it (fast shutdown: the upgraded
 * connections are cut) and starts it again on the same port.
 */
final class Nginx implements AutoCloseable {

    static final Path BINARY = Path.of("/usr/sbin/nginx");

    private final Path dir;
    private final int port;
    private Process process;

    /**
     * @param cert and {@code key}: PEM files of the site's certificate
     * @param site the static site's root
     */
    Nginx(Path dir, int port, Path cert, Path key, Path site, String wsPath, int backendPort) throws Exception {
        this.dir = dir;
        this.port = port;
        Files.createDirectories(dir.resolve("tmp"));
        String root = "root".equals(System.getProperty("user.name")) ? "user root;\n" : "";
        Files.writeString(dir.resolve("nginx.conf"), root + """
                worker_processes 1;
                daemon off;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log info;
                events { worker_connections 128; }
                http {
                    access_log off;
                    client_body_temp_path %1$s/tmp/body;
                    proxy_temp_path %1$s/tmp/proxy;
                    fastcgi_temp_path %1$s/tmp/fastcgi;
                    uwsgi_temp_path %1$s/tmp/uwsgi;
                    scgi_temp_path %1$s/tmp/scgi;
                    map $http_upgrade $connection_upgrade { default upgrade; '' close; }
                    server {
                        listen 127.0.0.1:%2$d ssl;
                        server_name site.test;
                        ssl_certificate %3$s;
                        ssl_certificate_key %4$s;
                        root %5$s;
                        location / { }
                        location = %6$s {
                            proxy_pass http://127.0.0.1:%7$d;
                            proxy_http_version 1.1;
                            proxy_set_header Upgrade $http_upgrade;
                            proxy_set_header Connection $connection_upgrade;
                            proxy_set_header Host $host;
                            proxy_read_timeout 1h;
                            proxy_send_timeout 1h;
                        }
                    }
                }
                """.formatted(dir, port, cert, key, site, wsPath, backendPort));
        start();
    }

    int port() {
        return port;
    }

    /** Stops nginx (its connections with it) and starts it again on the same port. */
    void restart() throws Exception {
        stop();
        start();
    }

    private void start() throws Exception {
        Path log = dir.resolve("stderr.log");
        for (int attempt = 0; attempt < 50; attempt++) {
            process = new ProcessBuilder(BINARY.toString(), "-p", dir.toString(), "-c", dir.resolve("nginx.conf").toString(),
                    "-e", dir.resolve("error.log").toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (listening(Duration.ofSeconds(5))) {
                return;
            }
            // the port of the stopped one may still be held for a moment: try again once it is free
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            Eventually.within(Duration.ofSeconds(5), () -> PortProbe.bindable(port));
        }
        throw new IOException("nginx did not start: " + Files.readString(log) + Files.readString(dir.resolve("error.log")));
    }

    private boolean listening(Duration limit) throws InterruptedException {
        return Eventually.within(limit, () -> !process.isAlive() || PortProbe.accepts(port)) && process.isAlive();
    }

    private void stop() throws InterruptedException {
        if (process == null) {
            return;
        }
        process.destroy(); // SIGTERM: fast shutdown, the master waits for its worker
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        process = null;
    }

    String errorLog() {
        try {
            return Files.readString(dir.resolve("error.log"));
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    static List<String> curl(String... args) {
        List<String> cmd = new java.util.ArrayList<>(List.of("curl", "-sk", "--max-time", "10"));
        cmd.addAll(List.of(args));
        return cmd;
    }
}
