package dev.alknet.cli;

import dev.alknet.core.config.ServerAddress;
import dev.alknet.transport.stealth.StealthKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
        List<ShareLink> links = resolveAll(server);
        if (links.size() != 1) {
            throw new IllegalArgumentException("a share string listing several transports must be the only server");
        }
        return links.get(0);
    }

    /** As {@link #resolve}; a share string may list the server on several transports (in order of preference). */
    List<ShareLink> resolveAll(String server) throws IOException {
        StealthKey given = key == null ? null : parseKey(key);
        if (ShareLink.isShareLink(server)) {
            return ShareLinks.parse(server).stream()
                    .map(l -> given == null ? l : new ShareLink(l.server(), given, l.pin(), l.hostKey()))
                    .toList();
        }
        return List.of(new ShareLink(ServerAddress.parse(server, false), given, null, null));
    }

    private static StealthKey parseKey(String text) throws IOException {
        if (text.length() != 43 && Files.isRegularFile(Path.of(text))) {
            return StealthKey.load(Path.of(text));
        }
        return StealthKey.parse(text);
    }

}
