package dev.alknet.cli;

import dev.alknet.core.config.ServerAddress;
import dev.alknet.transport.stealth.StealthKey;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A share string naming one server on several transports, for the client to pick from (docs/operator-guide.md,
 * "Transport picked by the client"):
 * {@code alknet://[user@]host?transports=quic:443,tls:443,wss:443/path,tcp:2222[&key=KEY][&pin=...][&hostkey=...]}.
 * Each entry is {@code scheme[:port][/path]} (the scheme's default port without one; a path only for ws/wss); the
 * key (strict stealth), the TLS pin (tls, quic, wss) and the SSH host key apply to all of them. The single-transport
 * form {@code alknet://tls/host:port?key=...} ({@link ShareLink}) is read as before.
 */
final class ShareLinks {

    /** The order the client tries transports in, whatever order the string lists them in. */
    static final List<String> PREFERENCE = List.of("quic", "tls", "wss", "ws", "tcp");

    private ShareLinks() {
    }

    /** The links in a share string, in order of preference; one for the single-transport form. */
    static List<ShareLink> parse(String text) {
        String s = text.trim().substring(ShareLink.PREFIX.length());
        int q = s.indexOf('?');
        String authority = q < 0 ? s : s.substring(0, q);
        if (authority.contains("/")) {
            return List.of(ShareLink.parse(text));
        }
        String what = "share string '" + ShareLink.PREFIX + authority + "?...'";
        if (authority.isEmpty()) {
            throw new IllegalArgumentException(what + ": no host (expected alknet://host?transports=quic,tls,...)");
        }
        String user = ServerAddress.DEFAULT_USER;
        String host = authority;
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            user = authority.substring(0, at);
            host = authority.substring(at + 1);
        }
        if (user.isEmpty() || host.isEmpty()) {
            throw new IllegalArgumentException(what + ": empty user or host");
        }
        if (host.startsWith("[") ? !host.endsWith("]") : host.contains(":")) {
            throw new IllegalArgumentException(what + ": the port goes with each transport (transports=tls:443,...)");
        }
        Map<String, String> params = new HashMap<>();
        for (String pair : q < 0 ? new String[0] : s.substring(q + 1).split("&")) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            if (!Set.of("transports", "key", "pin", "hostkey").contains(name)) {
                throw new IllegalArgumentException(what + ": unknown parameter '" + name + "'");
            }
            if (params.put(name, eq < 0 ? "" : pair.substring(eq + 1)) != null) {
                throw new IllegalArgumentException(what + ": parameter '" + name + "' given twice");
            }
        }
        String transports = params.get("transports"); // split before decoding: a path may hold an encoded comma
        StealthKey key = params.containsKey("key") ? StealthKey.parse(decode(params.get("key"))) : null;
        String pin = params.containsKey("pin") ? decode(params.get("pin")) : null;
        String hostKey = params.containsKey("hostkey") ? decode(params.get("hostkey")) : null;
        if (transports == null || transports.isEmpty()) {
            throw new IllegalArgumentException(what + ": no transports= list (e.g. transports=quic:443,tls:443)");
        }
        if (hostKey != null && !hostKey.startsWith("SHA256:")) {
            throw new IllegalArgumentException(what + ": hostkey must be a SHA256:... fingerprint");
        }
        List<ShareLink> links = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String entry : transports.split(",", -1)) {
            String e = decode(entry);
            int end = e.length();
            for (char c : new char[] {':', '/'}) {
                if (e.indexOf(c) >= 0) {
                    end = Math.min(end, e.indexOf(c));
                }
            }
            String scheme = e.substring(0, end);
            if (!PREFERENCE.contains(scheme)) {
                throw new IllegalArgumentException(what + ": unknown transport '" + e + "' (one of " + PREFERENCE + ")");
            }
            if (!seen.add(scheme)) {
                throw new IllegalArgumentException(what + ": transport " + scheme + " listed twice");
            }
            String rest = e.substring(end);
            String port = "";
            String path = "";
            if (rest.startsWith(":")) {
                int slash = rest.indexOf('/');
                port = slash < 0 ? rest : rest.substring(0, slash);
                path = slash < 0 ? "" : rest.substring(slash);
                if (!port.matches(":[0-9]{1,5}")) {
                    throw new IllegalArgumentException(what + ": bad port in '" + e + "'");
                }
            } else {
                path = rest;
            }
            ServerAddress a;
            try {
                a = ServerAddress.parse(scheme + "://" + user + "@" + host + port + path, false);
            } catch (IllegalArgumentException bad) {
                throw new IllegalArgumentException(what + ": transport '" + e + "': " + bad.getMessage());
            }
            boolean tlsBased = !"tcp".equals(scheme) && !"ws".equals(scheme);
            links.add(new ShareLink(a, key, tlsBased ? pin : null, hostKey));
        }
        links.sort(Comparator.comparingInt(l -> PREFERENCE.indexOf(l.server().scheme())));
        return links;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    /** The string for one server on these transports (all with the same user and host), as {@link #parse} reads. */
    static String format(List<ServerAddress> servers, StealthKey key, String pin, String hostKey) {
        ServerAddress first = servers.get(0);
        StringBuilder b = new StringBuilder(ShareLink.PREFIX);
        if (!ServerAddress.DEFAULT_USER.equals(first.user())) {
            b.append(first.user()).append('@');
        }
        String hp = first.endpoint().hostPort();
        b.append(hp, 0, hp.lastIndexOf(':')).append("?transports=");
        List<String> entries = new ArrayList<>();
        for (ServerAddress a : servers) {
            entries.add(a.scheme() + ":" + a.port() + (a.path() == null || a.path().equals("/") ? ""
                    : URLEncoder.encode(a.path(), StandardCharsets.UTF_8).replace("%2F", "/")));
        }
        b.append(String.join(",", entries));
        if (key != null) {
            b.append("&key=").append(key.text());
        }
        if (pin != null && servers.stream().anyMatch(a -> !"tcp".equals(a.scheme()) && !"ws".equals(a.scheme()))) {
            b.append("&pin=").append(URLEncoder.encode(pin, StandardCharsets.UTF_8));
        }
        if (hostKey != null) {
            b.append("&hostkey=").append(URLEncoder.encode(hostKey, StandardCharsets.UTF_8));
        }
        return b.toString();
    }
}
