package dev.alknet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Completion script, examples in every help, and user mistakes as one line with a non-zero exit (in process). */
class CliConveniencesTest {

    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void completionScriptCoversTheCommandsAndTheirOptions() {
        Run r = run("completion", "bash");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("complete -F") && r.out().contains("connect") && r.out().contains("--failback-interval")
                && r.out().contains("--metrics"), r.out());
        assertNotEquals(0, run("completion", "fish").exit());
    }

    @Test
    void everyCommandsHelpHasExamples() {
        for (String cmd : new String[] {"keygen", "serve", "connect", "status", "demo", "completion"}) {
            Run r = run(cmd, "--help");
            assertEquals(0, r.exit(), cmd);
            assertTrue(r.out().contains("Examples:"), cmd + ":\n" + r.out());
        }
        assertTrue(run("--version").out().startsWith("alknet "));
    }

    @Test
    void mistakesAreOneLineAndNonZero() throws Exception {
        Files.writeString(dir.resolve("bad.yaml"), "listen: tcp://127.0.0.1:0\nlisten-typo: 1\n");
        String[][] mistakes = {
                {"serve", "--config", dir.resolve("bad.yaml").toString()},
                {"serve", "--config", dir.resolve("missing.yaml").toString()},
                {"connect", "ftp://x", "--home", dir.toString()},
                {"connect", "tcp://x", "--heartbeat", "soon"},
                {"connect", "tcp://x", "--home", dir.resolve("empty").toString()},
                {"status", "--bogus"}};
        for (String[] args : mistakes) {
            Run r = run(args);
            assertNotEquals(0, r.exit(), String.join(" ", args));
            assertTrue(r.err().startsWith("alknet: "), r.err());
            assertFalse(r.err().contains("\tat ") || r.err().contains("Exception"), r.err());
        }
        assertTrue(run(mistakes[0]).err().contains("unknown key 'listen-typo'"));
        assertTrue(run(mistakes[4]).err().contains("alknet keygen"));
    }
}
