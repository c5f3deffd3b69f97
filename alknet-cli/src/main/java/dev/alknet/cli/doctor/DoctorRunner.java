package dev.alknet.cli.doctor;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** Runs the checks in order and prints one line per verdict (or one JSON object); exit 0 when none failed. */
public final class DoctorRunner {

    private DoctorRunner() {
    }

    public static List<Verdict> runAll(List<Check> checks) {
        List<Verdict> all = new ArrayList<>();
        for (Check c : checks) {
            try {
                all.addAll(c.run());
            } catch (RuntimeException e) {
                all.add(Verdict.fail(c.name(), "check failed: " + e.getMessage(), "report this as a bug"));
            }
        }
        return all;
    }

    public static int exitCode(List<Verdict> verdicts) {
        return verdicts.stream().anyMatch(v -> v.status() == Verdict.Status.FAIL) ? 1 : 0;
    }

    public static void print(List<Verdict> verdicts, boolean json, PrintStream out) {
        if (!json) {
            verdicts.forEach(v -> out.println(v.line()));
            return;
        }
        ObjectMapper m = new ObjectMapper();
        ObjectNode root = m.createObjectNode();
        root.put("ok", exitCode(verdicts) == 0);
        ArrayNode checks = root.putArray("checks");
        for (Verdict v : verdicts) {
            ObjectNode n = checks.addObject();
            n.put("check", v.check());
            n.put("status", v.status().name().toLowerCase(java.util.Locale.ROOT));
            n.put("detail", v.detail());
            n.put("fix", v.fix());
        }
        out.println(root.toString());
    }
}
