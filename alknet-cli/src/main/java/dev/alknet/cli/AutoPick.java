package dev.alknet.cli;

import dev.alknet.core.config.ServerAddress;
import java.util.List;

/**
 * {@code alknet connect host[:port]} without a scheme: the transports to pick from, in order of preference (quic,
 * tls, tcp), each on its default port unless the address names one. wss is left out: without a path we cannot know
 * that the server offers it.
 */
final class AutoPick {

    static final List<String> ORDER = List.of("quic", "tls", "tcp");

    private AutoPick() {
    }

    /** One server given, with no scheme and not a share string. */
    static boolean applies(List<String> servers) {
        return servers.size() == 1 && !servers.get(0).contains("://") && !ShareLink.isShareLink(servers.get(0));
    }

    /** The server as named to the user ({@code [user@]host}, never the share string: it may hold a key). */
    static String serverName(ServerAddress a) {
        String hp = a.endpoint().hostPort();
        return (ServerAddress.DEFAULT_USER.equals(a.user()) ? "" : a.user() + "@") + hp.substring(0, hp.lastIndexOf(':'));
    }

    static List<String> candidates(String address) {
        if (address.isBlank() || address.contains("/")) {
            throw new IllegalArgumentException("server '" + address + "': expected [user@]host[:port] or scheme://...");
        }
        return ORDER.stream().map(scheme -> scheme + "://" + address).toList();
    }
}
