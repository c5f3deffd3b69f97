package dev.alknet.cli;

import dev.alknet.client.socks.SocksOptions;
import dev.alknet.client.socks.auth.SocksCredentials;
import dev.alknet.transport.Cidr;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
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

    @Option(names = "--socks-allow", paramLabel = "CIDR",
            description = "Only these source addresses may use the proxy listeners (a LAN gateway: e.g."
                    + " 192.168.1.0/24); others are closed without a reply (repeatable; default: anyone who can"
                    + " reach the listener, which is loopback only unless --socks says otherwise).")
    List<String> allow = new ArrayList<>();

    SocksOptions socksOptions() throws IOException {
        if ((user == null) != (passwordFile == null)) {
            throw new IllegalArgumentException("--socks-user and --socks-password-file go together");
        }
        List<Cidr> sources = new ArrayList<>();
        for (String a : allow) {
            sources.add(Cidr.parse(a));
        }
        SocksOptions o = SocksOptions.defaults().withUdpIdleTimeout(udpIdleTimeout).withAllowedSources(sources);
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
