package dev.alknet.cli;

import dev.alknet.client.socks.SocksOptions;
import dev.alknet.client.socks.auth.SocksCredentials;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** Flags of the local proxy listener (credentials, UDP), turned into {@link SocksOptions}. */
final class ProxyOptions {

    @Option(names = "--socks-user", paramLabel = "NAME",
            description = "Require this user name (SOCKS5 username/password, HTTP Proxy-Authorization: Basic); "
                    + "SOCKS4 is then refused. Needs --socks-password-file.")
    String user;

    @Option(names = "--socks-password-file", paramLabel = "FILE",
            description = "File whose first line is the password for --socks-user.")
    Path passwordFile;

    @Option(names = "--udp-idle-timeout", paramLabel = "DURATION", defaultValue = "120s",
            description = "End a SOCKS UDP association after this long without a datagram (default: ${DEFAULT-VALUE}).")
    Duration udpIdleTimeout;

    SocksOptions socksOptions() throws IOException {
        if ((user == null) != (passwordFile == null)) {
            throw new IllegalArgumentException("--socks-user and --socks-password-file go together");
        }
        SocksOptions o = SocksOptions.defaults().withUdpIdleTimeout(udpIdleTimeout);
        if (user == null) {
            return o;
        }
        try {
            return o.withCredentials(SocksCredentials.fromFile(user, passwordFile));
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IOException("--socks-password-file: no such file " + passwordFile, e);
        }
    }
}
