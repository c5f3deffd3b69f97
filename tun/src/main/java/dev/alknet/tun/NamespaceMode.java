package dev.alknet.tun;

import com.sun.jna.LastErrorException;
import com.sun.jna.NativeLong;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code alknet-tun -- COMMAND}: COMMAND runs in a fresh, anonymous network namespace whose only route is the TUN.
 *
 * <p>One dedicated thread ({@link NsThread}) calls {@code unshare(CLONE_NEWNET | CLONE_NEWNS)}: namespaces belong to
 * threads, so only that thread moves. On it the TUN device, its addresses and routes ({@code ip}, run from that thread,
 * inherits its namespace), the kernel listeners and a private {@code /etc/resolv.conf} are made, and COMMAND is
 * started from it, so COMMAND inherits both namespaces. Every other thread stays in the caller's namespace, which is
 * where the SOCKS port is; no routing loop is possible because nothing of the caller's namespace is changed.
 *
 * <p>Nothing needs undoing: the TUN disappears with its fd, the namespaces with their last process (leftovers of
 * COMMAND are killed when COMMAND exits), and the mounts with the mount namespace.
 */
final class NamespaceMode {

    private static final Logger LOG = LoggerFactory.getLogger(NamespaceMode.class);

    private final Options o;

    NamespaceMode(Options o) {
        this.o = o;
    }

    int run() throws Exception {
        Preflight.commandExists(o.command);
        Preflight.socksListening(o.socks);
        List<String> command = new ArrayList<>();
        Map<String, String> env = new java.util.HashMap<>();
        userPrefix(command, env);
        command.addAll(o.command);
        Ip.exec("-V"); // the JDK's process reaper thread is born here, in the caller's namespace

        NsThread ns = new NsThread(o);
        ns.start();
        NsThread.Setup setup;
        try {
            setup = ns.ready.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception x ? x : e;
        } catch (TimeoutException e) {
            throw new TunException("setting up the namespace took more than 30 s");
        }
        Engine engine = new Engine(setup.tun(), o.socks, setup.listener4(), setup.listener6(), new FakeIpPool(),
                o.connectTimeoutSeconds * 1000);
        engine.start();
        LOG.info("namespace {} ready: {} mtu {}, IPv6 {}, SOCKS {}", setup.netns(), setup.tun().name, o.mtu,
                setup.listener6() != null ? "captured" : "blocked", Preflight.hostPort(o.socks));

        Process p;
        try {
            p = ns.spawn(command, env).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new TunException(o.command.get(0) + ": " + e.getCause().getMessage(), TunException.EXIT_NOT_FOUND);
        }
        Thread hook = new Thread(() -> {
            if (p.isAlive()) {
                LOG.info("terminating {}", o.command.get(0));
                p.destroy();
                try {
                    if (!p.waitFor(5, TimeUnit.SECONDS)) {
                        p.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    p.destroyForcibly();
                }
            }
            killLeftovers(setup.netns());
        }, "alknet-tun-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        int code = p.waitFor();
        killLeftovers(setup.netns());
        engine.stop();
        if (o.verbose > 0) {
            System.err.println("alknet-tun: " + engine.stats.line());
        }
        return code;
    }

    /** {@code setpriv}: SIGKILL to COMMAND if we die, and the user to run as. */
    private void userPrefix(List<String> command, Map<String, String> env) throws IOException {
        String user = o.user;
        String sudoUid = System.getenv("SUDO_UID");
        if (user == null && sudoUid != null && !sudoUid.isBlank() && !sudoUid.equals("0")) {
            String sudoGid = System.getenv("SUDO_GID");
            user = sudoUid + (sudoGid != null && !sudoGid.isBlank() ? ":" + sudoGid : "");
        }
        Path setpriv = Path.of("/usr/bin/setpriv");
        if (!Files.isExecutable(setpriv)) {
            setpriv = Path.of("/bin/setpriv");
        }
        boolean drop = user != null && !user.equals("root") && !user.equals("0") && !user.equals("0:0");
        if (!Files.isExecutable(setpriv)) {
            if (drop) {
                throw new TunException("--user needs setpriv (util-linux)");
            }
            return;
        }
        command.add(setpriv.toString());
        command.add("--pdeathsig");
        command.add("KILL");
        if (drop) {
            String[] parts = user.split(":", 2);
            String[] entry = passwd(parts[0]);
            String uid;
            if (entry != null) {
                uid = entry[2];
            } else if (parts[0].matches("\\d+")) {
                uid = parts[0];
            } else {
                throw new TunException("--user " + user + ": no such user");
            }
            String gid = parts.length > 1 ? parts[1] : entry != null ? entry[3] : uid;
            command.addAll(List.of("--reuid", uid, "--regid", gid));
            command.add(entry != null && parts.length == 1 ? "--init-groups" : "--clear-groups");
            if (entry != null) {
                env.put("HOME", entry[5]);
                env.put("USER", entry[0]);
                env.put("LOGNAME", entry[0]);
            }
        }
        command.add("--");
    }

    /** The /etc/passwd fields of a user given by name or number, or null. */
    private static String[] passwd(String user) throws IOException {
        for (String line : Files.readAllLines(Path.of("/etc/passwd"))) {
            String[] f = line.split(":", -1);
            if (f.length >= 7 && (f[0].equals(user) || f[2].equals(user))) {
                return f;
            }
        }
        return null;
    }

    /** SIGTERM, then SIGKILL, to every process still in the namespace (background children of COMMAND). */
    static void killLeftovers(String netns) {
        for (int round = 0; round < 2; round++) {
            List<ProcessHandle> left = processesIn(netns);
            if (left.isEmpty()) {
                return;
            }
            for (ProcessHandle h : left) {
                if (round == 0) {
                    h.destroy();
                } else {
                    h.destroyForcibly();
                }
            }
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (System.nanoTime() < end && left.stream().anyMatch(ProcessHandle::isAlive)) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    static List<ProcessHandle> processesIn(String netns) {
        List<ProcessHandle> found = new ArrayList<>();
        long self = ProcessHandle.current().pid();
        try (DirectoryStream<Path> proc = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path p : proc) {
                try {
                    long pid = Long.parseLong(p.getFileName().toString());
                    if (pid != self && Files.readSymbolicLink(p.resolve("ns/net")).toString().equals(netns)) {
                        ProcessHandle.of(pid).ifPresent(found::add);
                    }
                } catch (IOException | RuntimeException e) {
                    // gone, or not ours to read
                }
            }
        } catch (IOException e) {
            LOG.debug("cannot list /proc: {}", e.toString());
        }
        return found;
    }

    /** The thread that owns the new namespaces and starts COMMAND. */
    static final class NsThread extends Thread {

        record Setup(TunDevice tun, ServerSocketChannel listener4, ServerSocketChannel listener6, String netns) {
        }

        private record Spawn(List<String> command, Map<String, String> env, CompletableFuture<Process> result) {
        }

        final CompletableFuture<Setup> ready = new CompletableFuture<>();
        private final CompletableFuture<Spawn> spawn = new CompletableFuture<>();
        private final Options o;

        NsThread(Options o) {
            super("tun-netns");
            this.o = o;
            setDaemon(true);
        }

        CompletableFuture<Process> spawn(List<String> command, Map<String, String> env) {
            CompletableFuture<Process> result = new CompletableFuture<>();
            spawn.complete(new Spawn(command, env, result));
            return result;
        }

        @Override
        public void run() {
            try {
                ready.complete(setUp());
            } catch (Throwable t) {
                ready.completeExceptionally(t);
                return;
            }
            Spawn s;
            try {
                s = spawn.get();
            } catch (InterruptedException | ExecutionException e) {
                return;
            }
            Process p;
            try {
                ProcessBuilder pb = new ProcessBuilder(s.command()).inheritIO();
                pb.environment().putAll(s.env());
                p = pb.start();
            } catch (IOException | RuntimeException e) {
                s.result().completeExceptionally(e);
                return;
            }
            s.result().complete(p);
            try {
                p.waitFor(); // stay alive: COMMAND's parent-death signal is tied to this thread
            } catch (InterruptedException e) {
                // exiting
            }
        }

        private Setup setUp() throws IOException {
            String hostNet = link("/proc/self/ns/net");
            String hostMnt = link("/proc/self/ns/mnt");
            LibC c = LibC.get();
            try {
                c.unshare(LibC.CLONE_NEWNET | LibC.CLONE_NEWNS);
            } catch (LastErrorException e) {
                throw new TunException("cannot create a network namespace (unshare: errno " + e.getErrorCode()
                        + "); namespace mode needs root");
            }
            String net = link("/proc/thread-self/ns/net");
            if (net.equals(hostNet) || link("/proc/thread-self/ns/mnt").equals(hostMnt)) {
                throw new TunException("unshare did not give this thread new namespaces");
            }
            try {
                // Nothing mounted from here on may propagate back to the caller's mount namespace.
                c.mount("none", "/", null, new NativeLong(LibC.MS_REC | LibC.MS_PRIVATE), null);
            } catch (LastErrorException e) {
                throw new TunException("cannot make the new mount namespace private: errno " + e.getErrorCode());
            }
            TunDevice tun = TunDevice.open("alktun0", o.offload);
            String dev = tun.name;
            Ip.run("link", "set", "lo", "up");
            Ip.run("addr", "add", Net.TUN4_TEXT + "/" + Net.PREFIX4, "dev", dev);
            Ip.run("link", "set", "dev", dev, "mtu", String.valueOf(o.mtu), "up");
            Ip.run("route", "add", "default", "dev", dev);
            ServerSocketChannel l4 = ServerSocketChannel.open();
            l4.bind(new InetSocketAddress(InetAddress.getByAddress(Net.bytes4(Net.TUN4)), 0), 4096);
            ServerSocketChannel l6 = null;
            if (o.ipv6) {
                if (Ip.attempt("-6", "addr", "add", Net.TUN6_TEXT + "/" + Net.PREFIX6, "dev", dev, "nodad")
                        && Ip.attempt("-6", "route", "add", "default", "dev", dev)) {
                    l6 = ServerSocketChannel.open();
                    l6.bind(new InetSocketAddress(InetAddress.getByAddress(Net.TUN6), 0), 4096);
                } else {
                    LOG.info("IPv6 is not available here: it is blocked in the namespace");
                }
            }
            privateResolver();
            remountSys();
            return new Setup(tun, l4, l6, net);
        }

        /** /etc/resolv.conf → our DNS; nsswitch without resolvers that bypass DNS; no nscd. */
        private void privateResolver() throws IOException {
            Path resolv = world("nameserver " + Net.PEER4_TEXT + "\noptions timeout:2 attempts:2\n");
            try {
                bind(resolv, Path.of("/etc/resolv.conf"));
            } catch (LastErrorException e) {
                LOG.warn("cannot replace /etc/resolv.conf (errno {}); DNS to its servers still gets fake answers",
                        e.getErrorCode());
            } finally {
                Files.deleteIfExists(resolv);
            }
            Path nsswitch = Path.of("/etc/nsswitch.conf");
            if (Files.isRegularFile(nsswitch)) {
                List<String> lines = Files.readAllLines(nsswitch, StandardCharsets.UTF_8);
                List<String> out = new ArrayList<>();
                boolean changed = false;
                for (String line : lines) {
                    if (line.startsWith("hosts:")) {
                        Set<String> keep = new LinkedHashSet<>();
                        for (String word : line.substring(6).trim().split("\\s+")) {
                            if (word.equals("files") || word.equals("dns") || word.equals("myhostname")) {
                                keep.add(word);
                            }
                        }
                        keep.add("dns");
                        String replaced = "hosts: " + String.join(" ", keep);
                        changed |= !replaced.equals(line.replaceAll("\\s+", " ").trim());
                        out.add(replaced);
                    } else {
                        out.add(line);
                    }
                }
                if (changed) {
                    Path tmp = world(String.join("\n", out) + "\n");
                    try {
                        bind(tmp, nsswitch);
                    } catch (LastErrorException e) {
                        LOG.warn("cannot replace /etc/nsswitch.conf (errno {})", e.getErrorCode());
                    } finally {
                        Files.deleteIfExists(tmp);
                    }
                }
            }
            Set<Path> nscd = new LinkedHashSet<>();
            for (String d : List.of("/run/nscd", "/var/run/nscd")) {
                Path p = Path.of(d);
                if (Files.isDirectory(p)) {
                    nscd.add(p.toRealPath());
                }
            }
            for (Path p : nscd) {
                try {
                    LibC.get().mount("tmpfs", p.toString(), "tmpfs",
                            new NativeLong(LibC.MS_NOSUID | LibC.MS_NODEV | LibC.MS_NOEXEC), null);
                } catch (LastErrorException e) {
                    LOG.warn("cannot hide nscd's socket in {} (errno {})", p, e.getErrorCode());
                }
            }
        }

        /** A fresh sysfs, so /sys/class/net shows this namespace's devices (as ip netns exec does). */
        private static void remountSys() {
            try {
                LibC.get().umount2("/sys", LibC.MNT_DETACH);
                LibC.get().mount("sysfs", "/sys", "sysfs", new NativeLong(0), null);
            } catch (LastErrorException e) {
                LOG.debug("sysfs not remounted: errno {}", e.getErrorCode());
            }
        }

        private static void bind(Path source, Path target) {
            LibC.get().mount(source.toString(), target.toString(), null, new NativeLong(LibC.MS_BIND), null);
        }

        private static Path world(String content) throws IOException {
            Path tmp = Files.createTempFile("alknet-tun-", ".conf");
            Files.writeString(tmp, content);
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            return tmp;
        }

        private static String link(String path) throws IOException {
            return Files.readSymbolicLink(Path.of(path)).toString();
        }
    }
}
