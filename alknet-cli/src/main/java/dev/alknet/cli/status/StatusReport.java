package dev.alknet.cli.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Reads the state files of {@link StateFile} and prints them for people (or as JSON). */
public final class StatusReport {

    public static final int ALL_UP = 0;
    public static final int SOME_DOWN = 1;
    public static final int NONE_RUNNING = 3;

    private StatusReport() {
    }

    public static int print(Path home, boolean json, PrintStream out) throws IOException {
        List<JsonNode> clients = running(home.resolve("run"));
        if (json) {
            ArrayNode all = StateFile.JSON.createArrayNode();
            clients.forEach(all::add);
            out.println(StateFile.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(all));
        } else if (clients.isEmpty()) {
            out.println("no alknet connect running with home " + home);
        }
        boolean allUp = true;
        for (JsonNode c : clients) {
            allUp &= c.path("up").asBoolean();
            if (!json) {
                describe(c, out);
            }
        }
        return clients.isEmpty() ? NONE_RUNNING : allUp ? ALL_UP : SOME_DOWN;
    }

    /** State files whose process is alive; files left by dead processes are removed. */
    static List<JsonNode> running(Path dir) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().matches("connect-\\d+\\.json")).sorted().toList()) {
                JsonNode n;
                try {
                    n = StateFile.JSON.readTree(f.toFile());
                } catch (IOException e) {
                    continue; // being replaced right now
                }
                if (ProcessHandle.of(n.path("pid").asLong()).map(ProcessHandle::isAlive).orElse(false)) {
                    out.add(n);
                } else {
                    Files.deleteIfExists(f);
                }
            }
        }
        return out;
    }

    private static void describe(JsonNode c, PrintStream out) {
        Instant now = Instant.now();
        Instant since = c.path("since").isTextual() ? Instant.parse(c.path("since").asText()) : null;
        long sessions = c.path("sessions").asLong();
        String state = !c.path("up").asBoolean() ? "DOWN"
                : c.path("resuming").asBoolean() ? "up, RESUMING (carrier lost; streams held)" : "up";
        out.println("alknet connect (pid " + c.path("pid").asLong() + "): " + state
                + (since == null ? "" : " for " + human(Duration.between(since, now))));
        row(out, "server", c.path("server").asText() + " (transport " + c.path("transport").asText() + ")");
        if (c.path("transport_pick").isTextual()) {
            row(out, "transport", c.path("transport_pick").asText());
        }
        if (c.path("servers").size() > 1) {
            List<String> all = new ArrayList<>();
            c.path("servers").forEach(s -> all.add(s.asText()));
            row(out, "servers", String.join(", ", all));
        }
        row(out, "socks", c.path("socks").asText());
        row(out, "running", human(Duration.between(Instant.parse(c.path("started").asText()), now)));
        row(out, "sessions", sessions + (sessions > 1 ? " (" + (sessions - 1) + " reconnects)" : ""));
        row(out, "streams", c.path("open_streams").asInt() + " open");
        row(out, "resumes", c.path("resumes").asLong() + " (carrier replaced, session kept)");
        row(out, "last error", c.path("last_error").isTextual() ? c.path("last_error").asText() : "-");
        if (c.path("metrics").isTextual()) {
            row(out, "metrics", c.path("metrics").asText());
        }
        Instant updated = Instant.parse(c.path("updated").asText());
        if (Duration.between(updated, now).toSeconds() > 5 * StateFile.PERIOD_SECONDS) {
            row(out, "warning", "state not updated for " + human(Duration.between(updated, now)) + " (process hung?)");
        }
    }

    private static void row(PrintStream out, String name, String value) {
        out.printf("  %-11s%s%n", name, value);
    }

    static String human(Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return s / 60 + "m" + s % 60 + "s";
        }
        if (s < 86400) {
            return s / 3600 + "h" + (s % 3600) / 60 + "m";
        }
        return s / 86400 + "d" + (s % 86400) / 3600 + "h";
    }
}
