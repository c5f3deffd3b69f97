package dev.alknet.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The release archive, unpacked into a fresh directory and run through a symlink from another one (as an operator
 * does with /usr/local/bin/alknet), with no JDK on the PATH: a real tunnel, byte-exact; the shipped start-up cache
 * applies after the move; the first serve starts nothing else.
 */
class ArchiveTest {

    @Test
    void unpackedAnywhereItRunsATunnelThroughASymlink() throws Exception {
        Path scratch = Files.createTempDirectory("alknet-archive-");
        try {
            Path unpacked = Files.createDirectories(scratch.resolve("opt"));
            assertEquals(0, Dist.run("tar", "-C", unpacked.toString(), "-xzf", Dist.archive().toString()));
            Path tree = unpacked.resolve("alknet-" + Dist.VERSION);
            for (String f : List.of("bin/alknet", "bin/alknet-tun", "runtime/bin/java", "lib/alknet.jar",
                    "lib/jvm/connect.args", "lib/jvm/aot-eager.args", "share/systemd/alknet-server.service",
                    "share/sysusers.d/alknet.conf",
                    "share/bash-completion/completions/alknet", "share/man/man1/alknet.1", "share/man/man8/alknet-tun.8")) {
                assertTrue(Files.exists(tree.resolve(f)), f);
            }
            Path links = Files.createDirectories(scratch.resolve("usr-local-bin"));
            Path alknet = Files.createSymbolicLink(links.resolve("alknet"), tree.resolve("bin/alknet"));
            Map<String, String> env = Dist.envWithoutJdk(scratch);

            try (InstalledTunnel t = new InstalledTunnel(alknet, scratch.resolve("home"), env)) {
                String version = t.output(alknet.toString(), "--version");
                assertTrue(version.startsWith("alknet " + Dist.VERSION + " (commit "), version);
                assertTrue(version.contains(tree.resolve("runtime").toString()), "the bundled runtime:\n" + version);
                if (Files.exists(tree.resolve("lib/aot/connect.aot"))) {
                    // AOTMode=on fails the JVM when the cache does not apply: it must, after the move and symlink
                    Map<String, String> strict = new HashMap<>(env);
                    strict.put("ALKNET_JAVA_OPTS", "-XX:AOTMode=on");
                    assertEquals(0, new InstalledTunnel(alknet, scratch.resolve("home"), strict)
                            .run(alknet.toString(), "connect", "--help"), "the connect cache applies after unpacking");
                }
                t.start();
                t.curlByteExact();
                assertEquals(List.of(), InstalledTunnel.children(t.serve.pid()), "serve's child processes");
                assertEquals(List.of(), InstalledTunnel.children(t.connect.pid()), "connect's child processes");
                assertFalse(InstalledTunnel.trainingRunsFrom(tree), "a training run from the unpacked tree");
                assertEquals(List.of(), writtenInto(tree, scratch), "files the runs wrote into the tree");
            }
        } finally {
            Dist.deleteTree(scratch);
        }
    }

    /** Files in the tree newer than the unpacking: an installed alknet writes nothing next to itself. */
    private static List<Path> writtenInto(Path tree, Path scratch) throws Exception {
        long unpacked = Files.getLastModifiedTime(scratch.resolve("usr-local-bin")).toMillis();
        try (var files = Files.walk(tree)) {
            return files.filter(Files::isRegularFile).filter(f -> {
                try {
                    return Files.getLastModifiedTime(f).toMillis() > unpacked;
                } catch (java.io.IOException e) {
                    return false;
                }
            }).toList();
        }
    }
}
