package dev.alknet.cli;

import dev.alknet.cli.status.StatusReport;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show the running 'alknet connect' clients of this home: server, transport, uptime, open streams,"
                + " last error. Exit 0 if every one is up, 1 if one is down, 3 if none runs.",
        footer = {"", "Examples:",
                "  alknet status",
                "  alknet status --home /var/lib/alknet-client --json | jq .open_streams"})
final class StatusCommand implements Callable<Integer> {

    @Mixin
    HomeOption home;

    @Option(names = "--json", description = "Print the clients' state as a JSON array.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        return StatusReport.print(home.resolve().dir(), json, System.out);
    }
}
