package dev.alknet.cli.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a small text file the user named, at most {@link #MAX_BYTES}: a mistyped path such as {@code /dev/zero}
 * or a huge log file is refused in one line instead of filling the heap.
 */
final class BoundedFile {

    static final int MAX_BYTES = 1 << 20;

    private BoundedFile() {
    }

    /** The file as UTF-8; {@link ConfigException} if it is larger than the bound, IOException if unreadable. */
    static String readString(Path file, String option) throws IOException {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_BYTES + 1);
        }
        if (bytes.length > MAX_BYTES) {
            throw new ConfigException(option + ": " + file + " is larger than " + (MAX_BYTES >> 20)
                    + " MiB: not a config file?");
        }
        // strict, as Files.readString: a binary file is an error, not text full of replacement characters
        return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    }
}
