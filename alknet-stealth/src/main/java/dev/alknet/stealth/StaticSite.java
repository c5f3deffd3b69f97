package dev.alknet.stealth;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * nginx's static and index modules over one directory ({@code root DIR; index index.html;}, no autoindex).
 * Paths come normalised from {@link HttpHead} (no dot segments); on top of that every file is resolved
 * through its real path and must lie inside the root's, so neither ".." nor a symbolic link leads out.
 * A null root is an empty directory: "/" is 403, everything else 404.
 */
final class StaticSite {

    private static final Map<String, String> MIME = loadMime();
    private static final String DEFAULT_TYPE = "application/octet-stream";

    private final Path root;

    StaticSite(Path root) throws IOException {
        this.root = root == null ? null : root.toRealPath();
    }

    /** What the site has at a path. */
    sealed interface Lookup {
    }

    record Found(Path file, long size, long mtimeSeconds, String type) implements Lookup {
        String etag() {
            return "\"" + Long.toHexString(mtimeSeconds) + "-" + Long.toHexString(size) + "\"";
        }
    }

    /** A directory asked for without the trailing slash: nginx redirects (301) to path + "/". */
    record Redirect() implements Lookup {
    }

    record Status(int code) implements Lookup {
    }

    /** nginx's answer to {@code method path}, before conditional and range handling. */
    Lookup lookup(String method, String path) {
        boolean readLike = method.equals("GET") || method.equals("HEAD") || method.equals("POST");
        if (!readLike) {
            return new Status(405);
        }
        if (root == null) {
            return new Status(path.equals("/") ? 403 : 404);
        }
        Path target = inside(path.substring(1));
        if (target == null) {
            return new Status(404);
        }
        if (path.endsWith("/")) {
            if (!Files.isDirectory(target)) {
                return new Status(404);
            }
            Path index = inside(path.substring(1) + "index.html");
            if (index != null && Files.isRegularFile(index)) {
                return method.equals("POST") ? new Status(405) : found(index);
            }
            return new Status(403);
        }
        if (Files.isDirectory(target)) {
            return new Redirect();
        }
        if (!Files.isRegularFile(target)) {
            return new Status(404);
        }
        if (!Files.isReadable(target)) {
            return new Status(403);
        }
        return method.equals("POST") ? new Status(405) : found(target);
    }

    /** {@code rel} under the root, resolved through links; null if missing or outside the root. */
    private Path inside(String rel) {
        try {
            Path p = root.resolve(rel).normalize();
            if (!p.startsWith(root)) {
                return null;
            }
            if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS) && !Files.exists(p)) {
                return null;
            }
            Path real = p.toRealPath();
            return real.startsWith(root) ? real : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static Lookup found(Path file) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return new Found(file, a.size(), a.lastModifiedTime().toMillis() / 1000, type(file.getFileName().toString()));
        } catch (IOException e) {
            return new Status(403);
        }
    }

    static String type(String name) {
        int dot = name.lastIndexOf('.');
        if (dot < 0) {
            return DEFAULT_TYPE;
        }
        return MIME.getOrDefault(name.substring(dot + 1).toLowerCase(Locale.ROOT), DEFAULT_TYPE);
    }

    private static Map<String, String> loadMime() {
        Map<String, String> m = new HashMap<>();
        try (InputStream in = StaticSite.class.getResourceAsStream("mime.types")) {
            if (in == null) {
                return m;
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            String line;
            while ((line = r.readLine()) != null) {
                line = line.strip();
                if (line.isEmpty() || line.startsWith("#") || line.startsWith("types") || line.equals("}")) {
                    continue;
                }
                if (line.endsWith(";")) {
                    line = line.substring(0, line.length() - 1);
                }
                String[] t = line.split("\\s+");
                for (int i = 1; i < t.length; i++) {
                    m.putIfAbsent(t[i].toLowerCase(Locale.ROOT), t[0]);
                }
            }
        } catch (IOException e) {
            // no table: every file is application/octet-stream
        }
        return Map.copyOf(m);
    }
}
