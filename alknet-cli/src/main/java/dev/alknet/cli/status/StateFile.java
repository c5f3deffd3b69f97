package dev.alknet.cli.status;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.alknet.client.AlknetClient;
import dev.alknet.client.ClientState;
import dev.alknet.transport.resume.ResumeStats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A running {@code connect} publishes its state as {@code <home>/run/connect-<pid>.json}, rewritten every
 * {@link #PERIOD_SECONDS} s (atomically: temp file, then rename) and removed at exit; {@code alknet status} reads
 * them. A file rather than a socket: nothing to listen on or secure, readable with cat/jq, and a dead process is
 * told apart by its pid.
 */
public final class StateFile implements AutoCloseable {

    static final int PERIOD_SECONDS = 2;
    static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final AlknetClient client;
    private final ObjectNode fixed;
    private final ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "alknet-state-file");
        t.setDaemon(true);
        return t;
    });

    private StateFile(Path file, AlknetClient client, ObjectNode fixed) {
        this.file = file;
        this.client = client;
        this.fixed = fixed;
    }

    /** Starts publishing; {@code servers} as given, {@code metrics} the metrics URL or null. */
    public static StateFile start(Path home, AlknetClient client, List<String> servers, String metrics)
            throws IOException {
        Path dir = Files.createDirectories(home.resolve("run"));
        long pid = ProcessHandle.current().pid();
        ObjectNode fixed = JSON.createObjectNode();
        fixed.put("pid", pid);
        fixed.put("started", Instant.now().toString());
        servers.forEach(fixed.putArray("servers")::add);
        fixed.put("socks", hostPort(client.socksAddress()));
        fixed.put("metrics", metrics);
        StateFile s = new StateFile(dir.resolve("connect-" + pid + ".json"), client, fixed);
        s.write();
        s.writer.scheduleWithFixedDelay(s::writeQuietly, PERIOD_SECONDS, PERIOD_SECONDS, TimeUnit.SECONDS);
        return s;
    }

    private void writeQuietly() {
        try {
            write();
        } catch (IOException | RuntimeException e) {
            // the next period tries again; status shows the file as stale meanwhile
        }
    }

    private void write() throws IOException {
        ClientState st = client.state();
        ObjectNode n = fixed.deepCopy();
        n.put("server", st.server());
        n.put("transport", st.server().substring(0, st.server().indexOf(':')));
        n.put("transport_pick", client.transportNote());
        n.put("up", st.up());
        n.put("since", st.since() == null ? null : st.since().toString());
        n.put("sessions", st.sessions());
        n.put("open_streams", st.openStreams());
        // the session is up but its carrier is lost: streams are held while a new carrier is dialled
        n.put("resuming", ResumeStats.detachedNow() > 0);
        n.put("resumes", ResumeStats.resumes());
        n.put("last_error", st.lastError());
        n.put("updated", Instant.now().toString());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(n));
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String hostPort(java.net.InetSocketAddress a) {
        String h = a.getAddress().getHostAddress();
        return (h.indexOf(':') >= 0 ? "[" + h + "]" : h) + ":" + a.getPort();
    }

    @Override
    public void close() {
        writer.shutdownNow();
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // a stale file is recognised by its dead pid
        }
    }
}
