package dev.alknet.bench;

import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.cipher.Cipher;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cipher part of the packet path: encrypting 1 MiB of channel data as packets of {@code packetSize} with
 * MINA's cipher objects (as AbstractSession.encode does: AAD = packet length, then the packet in place; GCM
 * re-initialises the JCE cipher per packet). Throughput is in MiB/s (one operation = 1 MiB), so the per-packet
 * cost shows as the gap between packet sizes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PacketCipherBenchmark {

    static final int MIB = 1024 * 1024;

    @Param({"aes128-gcm@openssh.com", "aes128-ctr", "chacha20-poly1305@openssh.com"})
    String cipher;

    @Param({"32768", "65536", "131072"})
    int packetSize;

    private Cipher c;
    private byte[] packet;
    private int authSize;

    @Setup
    public void setUp() throws Exception {
        BuiltinCiphers f = BuiltinCiphers.fromFactoryName(cipher);
        c = f.create();
        c.init(Cipher.Mode.Encrypt, new byte[f.getKdfSize()], new byte[f.getIVSize()]);
        authSize = c.getAuthenticationTagSize();
        packet = new byte[4 + packetSize + 64 + authSize];
    }

    @Benchmark
    @OperationsPerInvocation(1)
    public int encryptOneMiB() throws Exception {
        int len = packetSize + 16; // payload plus padding and header, block aligned
        for (int done = 0; done < MIB; done += packetSize) {
            if (authSize > 0) {
                c.updateAAD(packet, 0, 4);
                c.update(packet, 4, len);
            } else {
                c.update(packet, 0, 4 + len);
            }
        }
        return packet[7];
    }
}
