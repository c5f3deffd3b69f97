package dev.alknet.client.autopick;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which transport worked last on each network ({@code <home>/transports.json}: {"network key": "scheme"}), so that
 * the next start from the same network goes straight to it. A file we cannot read is treated as empty.
 */
public final class TransportMemory {

    private static final Pattern ENTRY = Pattern.compile("\"([^\"\\\\]*)\"\\s*:\\s*\"([a-z]+)\"");

    private final Path file;

    public TransportMemory(Path file) {
        this.file = file;
    }

    public synchronized Optional<String> lookup(String network) {
        return Optional.ofNullable(read().get(network));
    }

    public synchronized void remember(String network, String scheme) {
        Map<String, String> all = read();
        if (scheme.equals(all.put(network, scheme))) {
            return;
        }
        StringBuilder b = new StringBuilder("{\n");
        int n = 0;
        for (Map.Entry<String, String> e : all.entrySet()) {
            b.append("  \"").append(e.getKey().replace("\"", "").replace("\\", "")).append("\": \"")
                    .append(e.getValue()).append('"').append(++n < all.size() ? ",\n" : "\n");
        }
        b.append("}\n");
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, b, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // only a hint for the next start: the race finds the transport again
        }
    }

    private Map<String, String> read() {
        Map<String, String> all = new TreeMap<>();
        try {
            if (Files.isRegularFile(file)) {
                Matcher m = ENTRY.matcher(Files.readString(file, StandardCharsets.UTF_8));
                while (m.find()) {
                    all.put(m.group(1), m.group(2));
                }
            }
        } catch (IOException | RuntimeException e) {
            // unreadable: as if empty
        }
        return all;
    }
}
