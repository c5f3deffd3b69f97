package dev.alknet.tun;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs iproute2's {@code ip} with an argument array (never a shell string). It runs in the network namespace of the
 * calling thread, which is how the namespace mode configures its namespace without entering it process-wide.
 */
final class Ip {

    private static final Logger LOG = LoggerFactory.getLogger(Ip.class);
    private static volatile String binary;

    private Ip() {
    }

    record Result(int exit, String output) {
    }

    static String binary() {
        String b = binary;
        if (b == null) {
            b = Preflight.ipBinary();
            if (b == null) {
                throw new TunException("the ip command (iproute2) is not installed");
            }
            binary = b;
        }
        return b;
    }

    static Result exec(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(args.length + 1);
        cmd.add(binary());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        byte[] out = p.getInputStream().readAllBytes();
        try {
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("ip " + String.join(" ", args) + ": did not finish");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        String text = new String(out, StandardCharsets.UTF_8).strip();
        LOG.debug("ip {} -> {} {}", String.join(" ", args), p.exitValue(), text);
        return new Result(p.exitValue(), text);
    }

    /** Runs and fails with the command and its message when ip exits non-zero. */
    static String run(String... args) throws IOException {
        Result r = exec(args);
        if (r.exit() != 0) {
            throw new TunException("ip " + String.join(" ", args) + " failed: " + r.output().replace('\n', ' '));
        }
        return r.output();
    }

    /** Runs and reports success; for best-effort steps and teardown. */
    static boolean attempt(String... args) {
        try {
            return exec(args).exit() == 0;
        } catch (IOException e) {
            return false;
        }
    }
}
