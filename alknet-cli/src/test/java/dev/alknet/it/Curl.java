package dev.alknet.it;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real curl binary. */
final class Curl {

    private Curl() {
    }

    record Result(int exit, String stderr) {
    }

    static Result fetch(String socks, String url, Path out, String... extra) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--max-time", "120", "--socks5-hostname", socks,
                "-o", out.toString()));
        cmd.addAll(List.of(extra));
        cmd.add(url);
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(150, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("curl did not finish: " + url);
        }
        return new Result(p.exitValue(), new String(p.getErrorStream().readAllBytes()));
    }
}
