package dev.alknet.tun;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The command line. */
final class Options {

    static final String USAGE = """
            usage: alknet-tun [--socks HOST:PORT] [options] -- COMMAND [ARGS...]
                   alknet-tun [--socks HOST:PORT] --route-all [--server HOST]... [--exclude CIDR]... [options]
                   alknet-tun --cleanup [--state FILE]

            Sends every TCP connection (IPv4 and IPv6) of COMMAND, or of the whole host, into the SOCKS5 port of
            alknet; names resolve on the alknet server (fake-IP DNS, 198.18.0.0/15). Other UDP goes through the
            SOCKS port's UDP ASSOCIATE (ICMP port unreachable when the SOCKS server refuses it).

            namespace mode (default): COMMAND runs in a fresh network namespace whose only way out is the TUN;
              everything is removed when COMMAND exits; the exit code is COMMAND's.
              --user USER[:GROUP]   run COMMAND as this user (default: $SUDO_UID when run by sudo, else as is)
            host mode:
              --route-all           route the host through the TUN until SIGTERM/SIGINT; kill switch: while the
                                    rules are in place nothing leaves except to excluded destinations
              --server HOST         the alknet server (its addresses bypass the TUN); repeatable
              --exclude CIDR        a destination range that bypasses the TUN; repeatable
              --exclude-uid UID[-UID]  processes of these users bypass the TUN (e.g. alknet's own user)
              --dev NAME            device name (default alktun0)
              --state FILE          crash-recovery state (default /run/alknet-tun/route-all.state)
              --table N             routing table (default 5210); rule priorities N..N+99 are claimed
              --cleanup             undo what a killed --route-all or --gateway left behind, then exit
            gateway mode (a LAN's way out; docs/gateway.md):
              --gateway IFACE       traffic other hosts route in on IFACE goes through the TUN (repeatable);
                                    the gateway's own traffic and routes stay as they are; IP forwarding is
                                    turned on in this namespace while it runs; --exclude CIDR keeps a
                                    destination range (e.g. other LANs) out of the TUN
            common:
              --socks HOST:PORT     the SOCKS5 port (default 127.0.0.1:1080)
              --mtu N               TUN MTU (default 9000)
              --no-ipv6             block IPv6 instead of capturing it
              --no-offload          one packet per MTU (no checksum/TSO offload on the TUN)
              --connect-timeout S   seconds a new flow waits for its SOCKS CONNECT, asked again while the
                                    tunnel is down or resuming (default 30)
              -v, -vv               report counters on exit / debug log
            """;

    InetSocketAddress socks = new InetSocketAddress(InetAddress.getLoopbackAddress(), 1080);
    int mtu = 9000;
    boolean ipv6 = true;
    boolean offload = true;
    int verbose;
    int connectTimeoutSeconds = 30;
    String user;
    boolean routeAll;
    boolean cleanup;
    final List<String> servers = new ArrayList<>();
    final List<String> excludes = new ArrayList<>();
    final List<String> excludeUids = new ArrayList<>();
    /** {@code --gateway IFACE}: what other hosts route in on these interfaces goes through the TUN. */
    final List<String> gateways = new ArrayList<>();
    String dev = "alktun0";
    Path state = Path.of("/run/alknet-tun/route-all.state");
    int table = 5210;
    final List<String> command = new ArrayList<>();
    boolean help;

    /** --route-all or --gateway: rules and a table in the current namespace (RouteAllMode). */
    boolean hostMode() {
        return routeAll || !gateways.isEmpty();
    }

    static Options parse(String[] args) {
        Options o = new Options();
        int i = 0;
        while (i < args.length) {
            String a = args[i++];
            if (a.equals("--")) {
                for (; i < args.length; i++) {
                    o.command.add(args[i]);
                }
                break;
            }
            String value = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                value = a.substring(eq + 1);
                a = a.substring(0, eq);
            }
            switch (a) {
                case "-h", "--help" -> o.help = true;
                case "-v" -> o.verbose = Math.max(o.verbose, 1);
                case "-vv" -> o.verbose = 2;
                case "--no-ipv6" -> o.ipv6 = false;
                case "--no-offload" -> o.offload = false;
                case "--route-all" -> o.routeAll = true;
                case "--cleanup" -> o.cleanup = true;
                default -> {
                    if (value == null) {
                        if (i >= args.length || !isValueOption(a)) {
                            throw usage(isValueOption(a) ? a + " needs a value" : "unknown option " + a);
                        }
                        value = args[i++];
                    }
                    o.set(a, value);
                }
            }
        }
        if (o.help) {
            return o;
        }
        if (o.cleanup) {
            return o;
        }
        if (!o.gateways.isEmpty()) {
            if (o.routeAll || !o.command.isEmpty()) {
                throw usage("--gateway takes neither --route-all nor a COMMAND");
            }
            if (!o.servers.isEmpty() || !o.excludeUids.isEmpty()) {
                // the gateway's own traffic never enters the TUN: there is nothing to exempt
                throw usage("--server and --exclude-uid are for --route-all; with --gateway only --exclude applies");
            }
            return o;
        }
        if (o.routeAll && !o.command.isEmpty()) {
            throw usage("--route-all takes no COMMAND");
        }
        if (!o.routeAll && o.command.isEmpty()) {
            throw usage("give a COMMAND after --, --route-all or --gateway IFACE");
        }
        if (!o.routeAll && (!o.servers.isEmpty() || !o.excludes.isEmpty() || !o.excludeUids.isEmpty())) {
            throw usage("--server, --exclude and --exclude-uid need --route-all");
        }
        return o;
    }

    private static boolean isValueOption(String a) {
        return List.of("--socks", "--mtu", "--user", "--server", "--exclude", "--exclude-uid", "--gateway", "--dev",
                "--state",
                "--table", "--connect-timeout").contains(a);
    }

    private void set(String option, String value) {
        switch (option) {
            case "--socks" -> socks = socketAddress(value);
            case "--mtu" -> mtu = intIn(option, value, 1280, 65535);
            case "--user" -> user = value;
            case "--server" -> servers.add(value);
            case "--exclude" -> excludes.add(cidr(value));
            case "--exclude-uid" -> {
                if (!value.matches("\\d{1,10}(-\\d{1,10})?")) {
                    throw usage("--exclude-uid " + value + ": expected UID or UID-UID");
                }
                excludeUids.add(value.contains("-") ? value : value + "-" + value);
            }
            case "--gateway" -> {
                if (!value.matches("[A-Za-z0-9_.-]{1,15}")) {
                    throw usage("--gateway " + value + ": an interface name (1 to 15 letters, digits, '_', '.', '-')");
                }
                gateways.add(value);
            }
            case "--dev" -> {
                if (!value.matches("[A-Za-z0-9_.-]{1,15}")) {
                    throw usage("--dev " + value + ": 1 to 15 letters, digits, '_', '.', '-'");
                }
                dev = value;
            }
            case "--state" -> state = Path.of(value);
            case "--table" -> table = intIn(option, value, 1, 32000);
            case "--connect-timeout" -> connectTimeoutSeconds = intIn(option, value, 1, 600);
            default -> throw usage("unknown option " + option);
        }
    }

    static TunException usage(String message) {
        return new TunException(message + " (see --help)", TunException.EXIT_USAGE);
    }

    private static int intIn(String option, String value, int min, int max) {
        try {
            int v = Integer.parseInt(value);
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw usage(option + " " + value + ": expected a number from " + min + " to " + max);
    }

    /** HOST:PORT with HOST an IP literal (IPv6 in brackets) or a name resolved now. */
    static InetSocketAddress socketAddress(String value) {
        int colon = value.lastIndexOf(':');
        if (colon <= 0 || colon == value.length() - 1) {
            throw usage("--socks " + value + ": expected HOST:PORT");
        }
        String host = value.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = intIn("--socks", value.substring(colon + 1), 1, 65535);
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            throw usage("--socks " + value + ": unknown host");
        }
    }

    /** A CIDR or a bare address, normalised to {@code address/prefix} with the host bits cleared. */
    static String cidr(String value) {
        String addr = value;
        int prefix = -1;
        int slash = value.indexOf('/');
        if (slash >= 0) {
            addr = value.substring(0, slash);
            try {
                prefix = Integer.parseInt(value.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw usage("--exclude " + value + ": bad prefix length");
            }
        }
        if (!(addr.contains(":") || addr.matches("\\d{1,3}(\\.\\d{1,3}){3}"))) {
            throw usage("--exclude " + value + ": expected an IP address or CIDR");
        }
        byte[] b;
        try {
            b = InetAddress.getByName(addr).getAddress();
        } catch (UnknownHostException e) {
            throw usage("--exclude " + value + ": expected an IP address or CIDR");
        }
        int bits = b.length * 8;
        if (prefix < 0) {
            prefix = bits;
        }
        if (prefix > bits) {
            throw usage("--exclude " + value + ": prefix longer than " + bits);
        }
        for (int i = 0; i < b.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - i * 8));
            b[i] &= (byte) (0xff << (8 - keep));
        }
        return Net.text(b) + "/" + prefix;
    }
}
