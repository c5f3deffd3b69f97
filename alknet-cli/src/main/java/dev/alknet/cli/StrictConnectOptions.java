package dev.alknet.cli;

import dev.alknet.core.config.ServerAddress;
import dev.alknet.transport.stealth.StealthKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code alknet connect}'s part of {@code --stealth=strict}: the key, given with {@code --stealth-key} or
 * inside an {@code alknet://} share string in place of the server URL.
 */
final class StrictConnectOptions {

    @Option(names = "--stealth-key", paramLabel = "KEY",
            description = "The server's stealth key (strict stealth), as printed by 'alknet serve', or a file holding it.")
    String key;

    /** The server, key, pin and host key to use: from the share string if {@code server} is one. */
    ShareLink resolve(String server) throws IOException {
        StealthKey given = key == null ? null : parseKey(key);
        if (ShareLink.isShareLink(server)) {
            ShareLink link = ShareLink.parse(server);
            return given == null ? link : new ShareLink(link.server(), given, link.pin(), link.hostKey());
        }
        return new ShareLink(ServerAddress.parse(server, false), given, null, null);
    }

    private static StealthKey parseKey(String text) throws IOException {
        if (text.length() != 43 && Files.isRegularFile(Path.of(text))) {
            return StealthKey.load(Path.of(text));
        }
        return StealthKey.parse(text);
    }

}
