package dev.alknet.core.config;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** The state directory ({@code --home}, {@code ALKNET_HOME}, default {@code ~/.alknet}) and its files. */
public record AlknetHome(Path dir) {

    public static AlknetHome resolve(Path explicit) {
        if (explicit != null) {
            return new AlknetHome(explicit);
        }
        String env = System.getenv("ALKNET_HOME");
        if (env != null && !env.isBlank()) {
            return new AlknetHome(Path.of(env));
        }
        return new AlknetHome(Path.of(System.getProperty("user.home"), ".alknet"));
    }

    /** Creates the directory (mode 0700) if needed; fails with one clear line if it cannot be written. */
    public AlknetHome ensureExists() throws IOException {
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
            }
        } catch (AccessDeniedException e) {
            throw new IOException("cannot create home directory " + dir + ": permission denied", e);
        } catch (IOException e) {
            throw new IOException("cannot create home directory " + dir + ": " + e.getMessage(), e);
        }
        if (!Files.isWritable(dir)) {
            throw new IOException("home directory " + dir + " is not writable");
        }
        return this;
    }

    public Path identity() {
        return dir.resolve("id_ed25519");
    }

    public Path hostKey() {
        return dir.resolve("host_ed25519");
    }

    public Path authorizedKeys() {
        return dir.resolve("authorized_keys");
    }

    public Path knownHosts() {
        return dir.resolve("known_hosts");
    }

    public Path file(String name) {
        return dir.resolve(name);
    }
}
