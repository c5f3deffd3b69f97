package dev.alknet.cli;

import dev.alknet.core.config.AlknetHome;
import dev.alknet.core.config.ServerAddress;
import dev.alknet.server.stealth.StealthOptions;
import dev.alknet.transport.TransportListener;
import dev.alknet.transport.stealth.StealthKey;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * {@code alknet serve}'s part of {@code --stealth=strict}: where the key lives, whether proofs must be bound to
 * their TLS session, and the share strings (printed only on request: they hold the key).
 */
final class StrictServeOptions {

    @Option(names = "--stealth-key", paramLabel = "FILE",
            description = "Stealth strict: the server's secret (default: <home>/stealth_key, made on first start).")
    Path keyFile;

    @Option(names = "--stealth-binding", paramLabel = "any|required",
            description = "Stealth strict, tls: 'required' lets in only proofs bound to their TLS session (clients"
                    + " and server on Java 25 or newer; needs Java 25 here); 'any' also takes unbound proofs from"
                    + " clients on older Java (default).")
    String binding;

    @Option(names = "--print-share",
            description = "Stealth strict: print the share strings at start. They hold the stealth key, so they are"
                    + " not printed otherwise (the key would end up in the journal).")
    boolean printShare;

    /** The {@code --stealth-binding} policy (any when not given), if this runtime can apply it. */
    StealthOptions.Binding binding() {
        return binding == null ? StealthOptions.Binding.ANY : StealthOptions.Binding.parse(binding).supported();
    }

    /** Loads (or makes) the key and says where it is. */
    StealthKey key(AlknetHome home) throws IOException {
        Path file = keyFile != null ? keyFile : home.file(StealthKey.FILE);
        StealthKey.Loaded loaded = keyFile != null ? new StealthKey.Loaded(StealthKey.load(file), false)
                : StealthKey.loadOrCreate(file);
        System.err.println((loaded.created() ? "created stealth key " : "stealth key ") + file
                + " (strict: only clients that know it get SSH; stock ssh cannot)");
        return loaded.key();
    }

    /**
     * Prints one share string per listen address, with a host name clients can reach for wildcard binds; with
     * {@code wsPath} (--ws-path) also the wss:// (ws:// on tcp) one of each tls (tcp) listener. ws/wss listeners sit
     * behind a proxy whose public address only the operator knows: none for them.
     */
    static void printShareLinks(List<TransportListener> listeners, StealthKey key, String pin, String hostKey,
            String wsPath) {
        List<ServerAddress> all = new java.util.ArrayList<>();
        for (TransportListener l : listeners) {
            String scheme = l.endpoint().scheme();
            if (ServerAddress.isWs(scheme)) {
                System.err.println("share: none for " + scheme + "://" + l.endpoint().hostPort()
                        + " (behind a proxy: give clients its public wss:// URL and the stealth key)");
                continue;
            }
            String host = l.endpoint().host();
            if (host.isEmpty() || isWildcard(host)) {
                host = Hostnames.local();
            }
            int port = l.localAddress().getPort();
            all.add(print(new ServerAddress(scheme, ServerAddress.DEFAULT_USER, host, port), key, pin, hostKey));
            if (wsPath != null && !"quic".equals(scheme)) {
                all.add(print(new ServerAddress("tls".equals(scheme) ? "wss" : "ws", ServerAddress.DEFAULT_USER, host,
                        port, wsPath), key, pin, hostKey));
            }
        }
        // one string for them all, the client picks the transport: one host, each transport once
        boolean oneHost = all.stream().map(ServerAddress::host).distinct().count() == 1;
        boolean eachOnce = all.stream().map(ServerAddress::scheme).distinct().count() == all.size();
        if (all.size() > 1 && oneHost && eachOnce) {
            all.sort(java.util.Comparator.comparingInt(a -> ShareLinks.PREFERENCE.indexOf(a.scheme())));
            System.err.println("share (any transport, the client picks): " + ShareLinks.format(all, key, pin, hostKey));
        }
    }

    private static ServerAddress print(ServerAddress a, StealthKey key, String pin, String hostKey) {
        System.err.println("share: " + new ShareLink(a, key, pin, hostKey).format());
        return a;
    }

    private static boolean isWildcard(String host) {
        try {
            return InetAddress.getByName(host).isAnyLocalAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

}
