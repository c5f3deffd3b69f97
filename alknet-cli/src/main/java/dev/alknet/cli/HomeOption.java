package dev.alknet.cli;

import dev.alknet.core.config.AlknetHome;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --home DIR}, shared by every command; falls back to ALKNET_HOME, then ~/.alknet. */
final class HomeOption {

    @Option(names = "--home", paramLabel = "DIR", description = "State directory (default: $ALKNET_HOME or ~/.alknet).")
    Path home;

    AlknetHome resolve() throws IOException {
        return AlknetHome.resolve(home).ensureExists();
    }
}
