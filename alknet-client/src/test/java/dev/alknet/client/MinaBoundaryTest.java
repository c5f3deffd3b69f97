package dev.alknet.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * MINA SSHD belongs to alknet-core (docs/architecture.md): main code of this module imports no
 * {@code org.apache.sshd} except in the files listed here, each with the reason it still does. The list may only
 * shrink: a new file that imports MINA fails this test, and so does a listed file that no longer needs to be listed.
 */
class MinaBoundaryTest {

    /** Files (relative to src/main/java) still importing MINA, and why: none (docs/adr/0020). */
    private static final Map<String, String> ALLOWED = Map.of();

    @Test
    void onlyListedFilesImportMina() throws IOException {
        Path root = Path.of("src/main/java");
        TreeSet<String> importing = new TreeSet<>();
        try (Stream<Path> files = Files.walk(root)) {
            files.filter(p -> p.toString().endsWith(".java")).filter(MinaBoundaryTest::importsMina)
                    .forEach(p -> importing.add(root.relativize(p).toString().replace('\\', '/')));
        }
        assertEquals(new TreeSet<>(ALLOWED.keySet()), importing,
                "main files importing org.apache.sshd (MINA belongs in alknet-core; update ALLOWED only downwards)");
    }

    private static boolean importsMina(Path file) {
        try {
            return Files.readAllLines(file).stream().anyMatch(l -> l.startsWith("import org.apache.sshd")
                    || l.startsWith("import static org.apache.sshd"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
