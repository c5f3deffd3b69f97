package dev.alknet.tun;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;

/** The few libc calls Java 17 cannot make itself. Every call that fails throws {@link LastErrorException} (errno). */
interface LibC extends Library {

    int CLONE_NEWNS = 0x00020000;
    int CLONE_NEWNET = 0x40000000;

    long MS_NOSUID = 2;
    long MS_NODEV = 4;
    long MS_NOEXEC = 8;
    long MS_BIND = 4096;
    long MS_REC = 16384;
    long MS_PRIVATE = 1 << 18;
    int MNT_DETACH = 2;

    /** {@code _IOW('T', 202, int)}: the same number on x86-64 and arm64. */
    NativeLong TUNSETIFF = new NativeLong(0x400454caL);
    short IFF_TUN = 0x0001;
    short IFF_NO_PI = 0x1000;
    /** Each packet is preceded by a {@code virtio_net_hdr} (GSO and checksum offload metadata). */
    short IFF_VNET_HDR = 0x4000;
    /** {@code _IOW('T', 208, unsigned int)}: which offloads this reader accepts. */
    NativeLong TUNSETOFFLOAD = new NativeLong(0x400454d0L);
    int TUN_F_CSUM = 0x01;
    int TUN_F_TSO4 = 0x02;
    int TUN_F_TSO6 = 0x04;

    int EPERM = 1;
    int ENOENT = 2;
    int EBUSY = 16;
    int EACCES = 13;

    int O_RDONLY = 0;
    int O_CLOEXEC = 0x80000;

    int open(String path, int flags) throws LastErrorException;

    int close(int fd) throws LastErrorException;

    int ioctl(int fd, NativeLong request, byte[] arg) throws LastErrorException;

    int ioctl(int fd, NativeLong request, NativeLong arg) throws LastErrorException;

    int setns(int fd, int nstype) throws LastErrorException;

    int unshare(int flags) throws LastErrorException;

    int mount(String source, String target, String fstype, NativeLong flags, Pointer data) throws LastErrorException;

    int umount2(String target, int flags) throws LastErrorException;

    static LibC get() {
        return Holder.INSTANCE;
    }

    /** Loaded on first use, so argument errors are reported without touching native code. */
    final class Holder {
        static final LibC INSTANCE = Native.load("c", LibC.class);

        private Holder() {
        }
    }
}
