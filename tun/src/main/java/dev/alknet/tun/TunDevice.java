package dev.alknet.tun;

import com.sun.jna.LastErrorException;
import com.sun.jna.NativeLong;
import java.io.Closeable;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * A TUN device ({@code IFF_TUN | IFF_NO_PI}): one IP packet per read and per write. The fd is opened by the JDK and
 * attached with one JNA {@code ioctl(TUNSETIFF)}; it is not persistent, so the device (and its routes) disappear when
 * the fd is closed or the process dies, however it dies.
 *
 * <p>Reads and writes go through two different {@link FileChannel}s over the same fd: one channel's read and write
 * share a lock, so a reader blocked in {@code read} would stall every writer.
 */
final class TunDevice implements Closeable {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TunDevice.class);

    static final Path DEVICE = Path.of("/dev/net/tun");

    private final RandomAccessFile file;
    private final FileChannel in;
    private final FileChannel out;
    final String name;
    /** Packets carry a {@link VnetHeader} and may be TCP super-packets (checksum and TSO offload). */
    final boolean offload;

    private TunDevice(RandomAccessFile file, String name, boolean offload) throws IOException {
        this.file = file;
        this.name = name;
        this.offload = offload;
        this.in = new FileInputStream(file.getFD()).getChannel();
        this.out = new FileOutputStream(file.getFD()).getChannel();
    }

    /** A device over any file (tests use /dev/null), plain packets, no ioctl. */
    static TunDevice over(RandomAccessFile file, String name) throws IOException {
        return new TunDevice(file, name, false);
    }

    /**
     * Creates the device in the network namespace of the calling thread; with {@code offload}, asks for checksum and
     * TSO offload (falls back to plain packets when the kernel refuses).
     */
    static TunDevice open(String wanted, boolean offload) throws IOException {
        if (!Files.exists(DEVICE)) {
            throw new TunException(DEVICE + " does not exist (load the tun module: modprobe tun)");
        }
        byte[] nameBytes = wanted.getBytes(StandardCharsets.US_ASCII);
        if (nameBytes.length == 0 || nameBytes.length > 15) {
            throw new TunException("device name '" + wanted + "': 1 to 15 characters");
        }
        Set<Integer> before = tunFds();
        RandomAccessFile raf;
        try {
            raf = new RandomAccessFile(DEVICE.toFile(), "rw");
        } catch (IOException e) {
            throw new TunException("cannot open " + DEVICE + ": " + e.getMessage());
        }
        try {
            Set<Integer> after = tunFds();
            after.removeAll(before);
            if (after.size() != 1) {
                throw new IOException("cannot find the fd of " + DEVICE + " in /proc/self/fd (" + after + ")");
            }
            int fd = after.iterator().next();
            byte[] ifr = new byte[40];
            System.arraycopy(nameBytes, 0, ifr, 0, nameBytes.length);
            short flags = (short) (LibC.IFF_TUN | LibC.IFF_NO_PI | (offload ? LibC.IFF_VNET_HDR : 0));
            ByteBuffer.wrap(ifr, 16, 2).order(ByteOrder.nativeOrder()).putShort(flags);
            try {
                LibC.get().ioctl(fd, LibC.TUNSETIFF, ifr);
            } catch (LastErrorException e) {
                if (e.getErrorCode() == LibC.EPERM) {
                    throw new TunException("creating a TUN device needs CAP_NET_ADMIN (run as root)");
                }
                if (e.getErrorCode() == LibC.EBUSY) {
                    throw new TunException("device " + wanted + " exists and is in use");
                }
                throw new TunException("ioctl(TUNSETIFF, " + wanted + ") failed: errno " + e.getErrorCode());
            }
            int len = 0;
            while (len < 16 && ifr[len] != 0) {
                len++;
            }
            if (offload && !enableOffload(fd)) {
                LOG.info("the kernel refused TUN checksum/TSO offload: one packet per MTU");
            }
            return new TunDevice(raf, new String(ifr, 0, len, StandardCharsets.US_ASCII), offload);
        } catch (IOException | RuntimeException e) {
            raf.close();
            throw e;
        }
    }

    /** Checksum and TSO offload; false when refused (headers stay, with nothing offloaded in them). */
    private static boolean enableOffload(int fd) {
        try {
            LibC.get().ioctl(fd, LibC.TUNSETOFFLOAD,
                    new NativeLong(LibC.TUN_F_CSUM | LibC.TUN_F_TSO4 | LibC.TUN_F_TSO6));
            return true;
        } catch (LastErrorException e) {
            return false;
        }
    }

    private static Set<Integer> tunFds() throws IOException {
        Set<Integer> fds = new HashSet<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path p : dir) {
                try {
                    if (Files.readSymbolicLink(p).equals(DEVICE)) {
                        fds.add(Integer.parseInt(p.getFileName().toString()));
                    }
                } catch (IOException | NumberFormatException e) {
                    // the directory stream's own fd, or one that closed meanwhile
                }
            }
        }
        return fds;
    }

    /** Blocks for the next packet; fills {@code header} (when offloading) and returns the packet's length. */
    int read(VnetHeader header, ByteBuffer into) throws IOException {
        if (!offload) {
            return in.read(into);
        }
        long n = in.read(header.with(into));
        return (int) Math.max(-1, n - VnetHeader.SIZE);
    }

    /** Writes one packet (position to limit) with its header; safe from any thread. */
    void write(VnetHeader header, ByteBuffer packet) throws IOException {
        if (!offload) {
            out.write(packet);
        } else {
            out.write(header.with(packet));
        }
    }

    /** Writes one complete, checksummed packet made here. */
    void write(ByteBuffer packet) throws IOException {
        write(VnetHeader.none(), packet);
    }

    @Override
    public void close() throws IOException {
        file.close();
    }
}
