package dev.alknet.tun;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code alknet-tun --route-all}: the whole host (its current network namespace) goes through the TUN.
 *
 * <p>Nothing of the main table is touched. A private table T holds {@code default dev TUN} and, as the kill switch,
 * {@code unreachable default} with the highest metric; rules with priorities T..T+99 (claimed) send traffic there:
 *
 * <pre>
 *   T+0  uidrange U-U lookup main            --exclude-uid (e.g. the user alknet runs as)
 *   T+1  ipproto udp|tcp dport 53 lookup T   every DNS query, to any server, even on an excluded network
 *   T+2  to ADDR lookup main                 --server addresses, --exclude ranges, a non-loopback SOCKS
 *                                            address (and fe80::/10)
 *   T+3  lookup T                            everything else
 * </pre>
 *
 * <p>Loopback (the SOCKS port) is matched by the {@code local} table at priority 0, before any of these. When the
 * helper dies, the TUN and its route vanish with it but the rules and the unreachable route stay: nothing leaks
 * until the next start (or {@code --cleanup}) removes them, using the state file. IPv6 is captured the same way, or
 * with {@code --no-ipv6} only the unreachable route is installed (blocked, never leaked).
 *
 * <p>{@code --gateway IFACE} uses the same table and range, but every rule also says {@code iif IFACE}: only what
 * other hosts route in on that interface is captured (and, when the tunnel is down, unreachable); the gateway's
 * own traffic has {@code iif lo} and never matches. IP forwarding is switched on in this namespace while it runs
 * (the TUN's replies are forwarded back to the LAN hosts) and set back on a clean stop.
 */
final class RouteAllMode {

    private static final Logger LOG = LoggerFactory.getLogger(RouteAllMode.class);
    /** Below 2^32-1: iproute2 treats an IPv6 "unreachable default metric 4294967295" as the kernel's null route. */
    private static final String LAST_METRIC = "4000000000";

    private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    private final Options o;
    private final Forwarding forwarding = new Forwarding();

    RouteAllMode(Options o) {
        this.o = o;
    }

    /** What the state file records: enough to undo a run whose process is gone. */
    record State(long pid, String dev, int table) {

        static State read(Path file) throws IOException {
            if (Files.isSymbolicLink(file)) {
                throw new TunException("state file " + file + " is a symbolic link; refusing to read it");
            }
            Properties p = new Properties();
            try (var in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
                p.load(in);
            }
            try {
                return new State(Long.parseLong(p.getProperty("pid", "0")), p.getProperty("dev", "alktun0"),
                        Integer.parseInt(p.getProperty("table", "5210")));
            } catch (NumberFormatException e) {
                throw new TunException("state file " + file + " is damaged: " + e.getMessage());
            }
        }

        /**
         * Writes FILE.tmp, then renames it over FILE. The directory may be shared (--state /tmp/...): the temporary
         * file is created new (O_CREAT|O_EXCL, which never follows a link), mode 0600, and a symbolic link or other
         * non-file already at its path is refused, so root never writes through a link someone planted.
         */
        void write(Path file) throws IOException {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = dir.resolve(file.getFileName() + ".tmp");
            if (Files.exists(tmp, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(tmp, LinkOption.NOFOLLOW_LINKS)) {
                throw new TunException("refusing to write the state file: " + tmp + " exists and is not a plain file"
                        + " (a symbolic link?)");
            }
            Files.deleteIfExists(tmp); // a plain file left by a run killed between write and rename
            String text = "# alknet-tun --route-all: what to undo if this process dies (alknet-tun --cleanup)\n"
                    + "pid=" + pid + "\ndev=" + dev + "\ntable=" + table + "\n";
            try (SeekableByteChannel ch = Files.newByteChannel(tmp, Set.<OpenOption>of(StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS), OWNER_ONLY)) {
                ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
                while (b.hasRemaining()) {
                    ch.write(b);
                }
            } catch (FileAlreadyExistsException e) {
                throw new TunException("refusing to write the state file: " + tmp + " appeared while writing it");
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }

        boolean running() {
            if (pid == ProcessHandle.current().pid()) {
                return false;
            }
            try {
                byte[] cmdline = Files.readAllBytes(Path.of("/proc", String.valueOf(pid), "cmdline"));
                return new String(cmdline, StandardCharsets.ISO_8859_1).contains("dev.alknet.tun.Main");
            } catch (IOException e) {
                return false;
            }
        }
    }

    int run() throws Exception {
        State crashed = crashed();
        // Checked before a crashed run's kill switch is lifted: with nothing on the SOCKS port the host stays closed.
        Preflight.socksListening(o.socks);
        if (crashed != null) {
            recover(crashed, false);
        }
        try {
            return route();
        } catch (Exception | Error e) {
            if (crashed != null) {
                closeAgain(); // this start failed: do not leave the host open where a crash had left it closed
            }
            throw e;
        }
    }

    private int route() throws Exception {
        List<String> bypass4 = new ArrayList<>();
        List<String> bypass6 = new ArrayList<>();
        for (String cidr : bypasses()) {
            (cidr.contains(":") ? bypass6 : bypass4).add(cidr);
        }
        if (o.gateways.isEmpty() && o.servers.isEmpty() && o.excludeUids.isEmpty()) {
            LOG.warn("neither --server nor --exclude-uid: if alknet's own connection to its server is not excluded,"
                    + " it will be routed into the tunnel");
        }
        for (String family : List.of("-4", "-6")) {
            Integer taken = claimedRule(family, o.table);
            if (taken != null) {
                throw new TunException("rule priority " + taken + " is in the range " + o.table + ".." + (o.table + 99)
                        + " that alknet-tun claims (another alknet-tun with another --state? then use --table;"
                        + " a leftover? then --cleanup --table " + o.table + ")");
            }
        }
        // The device first: if it is busy (another instance), nothing has been changed yet.
        TunDevice tun = TunDevice.open(o.dev, o.offload);
        State state = new State(ProcessHandle.current().pid(), tun.name, o.table);
        Engine engine;
        CountDownLatch forever = new CountDownLatch(1);
        try {
            state.write(o.state); // before the first route: a crash from here on is undone at the next start
            String dev = tun.name;
            Ip.run("addr", "add", Net.TUN4_TEXT + "/" + Net.PREFIX4, "dev", dev);
            Ip.run("link", "set", "dev", dev, "mtu", String.valueOf(o.mtu), "up");
            looseReversePath(dev);
            ServerSocketChannel l4 = ServerSocketChannel.open();
            l4.bind(new InetSocketAddress(InetAddress.getByAddress(Net.bytes4(Net.TUN4)), 0), 4096);
            ServerSocketChannel l6 = null;
            boolean v6Stack = v6Stack();
            if (o.ipv6 && v6Stack && Ip.attempt("-6", "addr", "add", Net.TUN6_TEXT + "/" + Net.PREFIX6, "dev", dev,
                    "nodad")) {
                l6 = ServerSocketChannel.open();
                l6.bind(new InetSocketAddress(InetAddress.getByAddress(Net.TUN6), 0), 4096);
            }
            String t = String.valueOf(o.table);
            Ip.run("-4", "route", "add", "unreachable", "default", "metric", LAST_METRIC, "table", t);
            Ip.run("-4", "route", "add", "default", "dev", dev, "table", t);
            if (v6Stack) {
                Ip.run("-6", "route", "add", "unreachable", "default", "metric", LAST_METRIC, "table", t);
                if (l6 != null) {
                    Ip.run("-6", "route", "add", "default", "dev", dev, "table", t);
                }
                bypass6.add("fe80::/10");
            }
            rules("-4", bypass4);
            if (v6Stack) {
                rules("-6", bypass6);
            }
            if (!o.gateways.isEmpty()) {
                forwarding.on(l6 != null);
            }
            engine = new Engine(tun, o.socks, l4, l6, new FakeIpPool(), o.connectTimeoutSeconds * 1000);
            engine.onReaderEnd(e -> {
                System.err.println("alknet-tun: the TUN device is gone (" + e.getMessage() + "); exiting with the"
                        + " kill switch in place (the next start or --cleanup removes it)");
                Runtime.getRuntime().exit(TunException.EXIT_FAILURE);
            });
            StopSignals.install();
            engine.start();
            Engine e = engine;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                // Only a stop that was asked for opens the host. Any other exit leaves the rules and the unreachable
                // route (the TUN and its route die with the process): closed until the next start or --cleanup.
                boolean clean = StopSignals.requested();
                e.stop(); // first, so deleting the device below is not taken for a lost TUN
                if (clean) {
                    teardown(state, true);
                    forwarding.restore();
                }
                if (o.verbose > 0) {
                    System.err.println("alknet-tun: " + e.stats.line());
                }
                System.err.println(clean ? "alknet-tun: routes restored"
                        : "alknet-tun: not asked to stop; the kill switch stays (alknet-tun --cleanup removes it)");
                forever.countDown();
            }, "alknet-tun-shutdown"));
            System.err.println("alknet-tun: routing " + (o.gateways.isEmpty() ? "all traffic"
                    : "traffic arriving on " + String.join(", ", o.gateways)) + " through " + dev + " to SOCKS "
                    + Preflight.hostPort(o.socks) + " (IPv6 " + (l6 != null ? "captured" : "blocked")
                    + "); stop with SIGTERM or Ctrl-C");
        } catch (Exception | Error e) {
            teardown(state, true);
            forwarding.restore();
            tun.close();
            throw e;
        }
        forever.await();
        return 0;
    }

    private static boolean v6Stack() throws IOException {
        return Ip.exec("-6", "rule", "show").exit() == 0;
    }

    /**
     * The kill switch without a tunnel, after a start that followed a crash failed: everything but loopback, the
     * --exclude ranges and the --exclude-uid users is unreachable, as the crashed run had left it. Best effort; the
     * state file lets the next start or --cleanup remove it.
     */
    private void closeAgain() {
        try {
            teardown(new State(0, o.dev, o.table), false);
            String t = String.valueOf(o.table);
            List<String> families = v6Stack() ? List.of("-4", "-6") : List.of("-4");
            for (String family : families) {
                Ip.run(family, "route", "add", "unreachable", "default", "metric", LAST_METRIC, "table", t);
                List<String> bypass = new ArrayList<>();
                for (String cidr : o.excludes) {
                    if (cidr.contains(":") == family.equals("-6")) {
                        bypass.add(cidr);
                    }
                }
                rules(family, bypass);
            }
            new State(ProcessHandle.current().pid(), o.dev, o.table).write(o.state);
            System.err.println("alknet-tun: the kill switch of the crashed run is back in place"
                    + " (alknet-tun --cleanup removes it)");
        } catch (IOException | RuntimeException e) {
            System.err.println("alknet-tun: could not put the kill switch back: " + e.getMessage());
        }
    }

    /** {@code --cleanup}. */
    int cleanup() throws IOException {
        if (!recover(true)) {
            teardown(new State(0, o.dev, o.table), false);
            System.err.println("alknet-tun: no state file at " + o.state + "; removed rules " + o.table + ".."
                    + (o.table + 99) + " and table " + o.table + " if there were any");
        }
        return 0;
    }

    /** The state a dead earlier run left, or null; fails if that run is still alive. */
    private State crashed() throws IOException {
        if (!Files.exists(o.state, LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        State old = State.read(o.state);
        if (old.running()) {
            throw new TunException("already running as pid " + old.pid() + " (state file " + o.state
                    + "); stop it with SIGTERM");
        }
        return old;
    }

    /** Undoes what a dead earlier run left (state file); false when there is none. */
    private boolean recover(boolean verbose) throws IOException {
        State old = crashed();
        if (old == null) {
            return false;
        }
        recover(old, verbose);
        return true;
    }

    private void recover(State old, boolean verbose) {
        teardown(old, false);
        System.err.println("alknet-tun: " + (verbose ? "cleaned up" : "recovered from")
                + " a run that did not exit cleanly (pid " + old.pid() + "): rules and routes restored");
    }

    private Set<String> bypasses() {
        Set<String> out = new LinkedHashSet<>();
        for (String server : o.servers) {
            String host = server;
            if (host.startsWith("[") && host.contains("]")) {
                host = host.substring(1, host.indexOf(']'));
            } else if (host.chars().filter(ch -> ch == ':').count() == 1) {
                host = host.substring(0, host.indexOf(':'));
            }
            try {
                for (InetAddress a : InetAddress.getAllByName(host)) {
                    out.add(a.getHostAddress() + (a.getAddress().length == 4 ? "/32" : "/128"));
                }
            } catch (UnknownHostException e) {
                throw new TunException("--server " + server + ": cannot resolve " + host);
            }
        }
        out.addAll(o.excludes);
        InetAddress socks = o.socks.getAddress();
        if (!socks.isLoopbackAddress()) {
            out.add(socks.getHostAddress() + (socks.getAddress().length == 4 ? "/32" : "/128"));
        }
        return out;
    }

    private void rules(String family, List<String> bypass) throws IOException {
        if (!o.gateways.isEmpty()) {
            for (String dev : o.gateways) {
                gatewayRules(family, dev, bypass);
            }
            return;
        }
        int b = o.table;
        String t = String.valueOf(o.table);
        for (String range : o.excludeUids) {
            Ip.run(family, "rule", "add", "pref", String.valueOf(b), "uidrange", range, "lookup", "main");
        }
        Ip.run(family, "rule", "add", "pref", String.valueOf(b + 1), "ipproto", "udp", "dport", "53", "lookup", t);
        Ip.run(family, "rule", "add", "pref", String.valueOf(b + 1), "ipproto", "tcp", "dport", "53", "lookup", t);
        for (String cidr : bypass) {
            Ip.run(family, "rule", "add", "pref", String.valueOf(b + 2), "to", cidr, "lookup", "main");
        }
        Ip.run(family, "rule", "add", "pref", String.valueOf(b + 3), "lookup", t);
    }

    /** As {@link #rules}, for what arrives on {@code dev} only: the gateway's own traffic never matches. */
    private void gatewayRules(String family, String dev, List<String> bypass) throws IOException {
        int b = o.table;
        String t = String.valueOf(o.table);
        Ip.run(family, "rule", "add", "pref", String.valueOf(b + 1), "iif", dev, "ipproto", "udp", "dport", "53",
                "lookup", t);
        Ip.run(family, "rule", "add", "pref", String.valueOf(b + 1), "iif", dev, "ipproto", "tcp", "dport", "53",
                "lookup", t);
        for (String cidr : bypass) {
            Ip.run(family, "rule", "add", "pref", String.valueOf(b + 2), "iif", dev, "to", cidr, "lookup", "main");
        }
        Ip.run(family, "rule", "add", "pref", String.valueOf(b + 3), "iif", dev, "lookup", t);
    }

    /** IP forwarding of this namespace: on while a gateway runs, then as it was. */
    private static final class Forwarding {
        private static final Path V4 = Path.of("/proc/sys/net/ipv4/ip_forward");
        private static final Path V6 = Path.of("/proc/sys/net/ipv6/conf/all/forwarding");
        private String old4;
        private String old6;

        synchronized void on(boolean v6) throws IOException {
            old4 = Files.readString(V4).trim();
            Files.writeString(V4, "1\n");
            if (v6 && Files.exists(V6)) {
                old6 = Files.readString(V6).trim();
                Files.writeString(V6, "1\n");
            }
        }

        synchronized void restore() {
            try {
                if (old4 != null) {
                    Files.writeString(V4, old4 + "\n");
                }
                if (old6 != null) {
                    Files.writeString(V6, old6 + "\n");
                }
            } catch (IOException e) {
                LOG.warn("cannot restore IP forwarding: {}", e.toString());
            }
            old4 = null;
            old6 = null;
        }
    }

    private static void looseReversePath(String dev) {
        Path p = Path.of("/proc/sys/net/ipv4/conf", dev, "rp_filter");
        try {
            Files.writeString(p, "2\n");
        } catch (IOException e) {
            LOG.debug("cannot set {}: {}", p, e.toString());
        }
    }

    /**
     * Removes every rule in the claimed priority range, flushes the table, and (for our own run) deletes the device,
     * which also wakes the TUN reader. Best effort, bounded; then the state file goes.
     */
    void teardown(State s, boolean own) {
        for (String family : List.of("-4", "-6")) {
            for (int guard = 0; guard < 1000; guard++) {
                Integer pref = claimedRule(family, s.table());
                if (pref == null || !Ip.attempt(family, "rule", "del", "pref", String.valueOf(pref))) {
                    break;
                }
            }
            String t = String.valueOf(s.table());
            Ip.attempt(family, "route", "flush", "table", t);
            for (int guard = 0; guard < 4 && Ip.attempt(family, "route", "del", "unreachable", "default", "table", t);
                    guard++) {
                // flush may skip unreachable routes
            }
        }
        if (own) {
            Ip.attempt("link", "del", "dev", s.dev());
        }
        try {
            Files.deleteIfExists(o.state);
        } catch (IOException e) {
            LOG.warn("cannot remove the state file {}: {}", o.state, e.toString());
        }
    }

    private static Integer claimedRule(String family, int base) {
        try {
            Ip.Result r = Ip.exec(family, "rule", "show");
            if (r.exit() != 0) {
                return null;
            }
            for (String line : r.output().split("\n")) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    try {
                        int pref = Integer.parseInt(line.substring(0, colon).trim());
                        if (pref >= base && pref < base + 100) {
                            return pref;
                        }
                    } catch (NumberFormatException e) {
                        // not a rule line
                    }
                }
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }
}
