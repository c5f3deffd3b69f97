package dev.alknet.transport.quic;

import dev.alknet.transport.EventLoops;
import dev.alknet.transport.TransportSettings;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.unix.IntegerUnixChannelOption;
import io.netty.handler.codec.quic.EpollQuicUtils;
import io.netty.handler.codec.quic.QuicCodecBuilder;
import io.netty.handler.codec.quic.QuicCongestionControlAlgorithm;
import io.netty.handler.codec.quic.SegmentedDatagramPacketAllocator;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The QUIC transport parameters both sides use. DATAGRAM frames are enabled only to carry {@link QuicKeepAlive}'s
 * PINGs.
 *
 * <p>Flow-control windows are sized to what the receiving UDP socket can hold ({@link #UDP_BUFFER}; the kernel
 * counts twice that in buffer overhead), not larger: a sender may put a whole window in flight, and whatever the
 * socket cannot hold while the receiver's event loop is busy is dropped, which the congestion controller reads as
 * congestion and halves its window. With 32/16 MiB windows a bulk stream lost packets on every burst and ran at
 * 0.26x/0.41x of tcp (down/up) on loopback; with 6-7 MB, 0.55x/0.62x in the same run (docs/performance.md). The
 * cost: window / RTT caps one stream (6 MiB at 100 ms is ~60 MiB/s).
 *
 * <p>Datagrams grow by path MTU discovery from 1,200 bytes to what the path carries, up to {@link #MAX_UDP_PAYLOAD}.
 */
final class QuicCodecs {

    static final long CONNECTION_WINDOW = Long.getLong("alknet.quic.connWindow", 7L << 20);
    static final long STREAM_WINDOW = Long.getLong("alknet.quic.streamWindow", 6L << 20);
    /** Streams a client may open on one connection (alknet uses one). */
    static final long MAX_CLIENT_STREAMS = 16;

    static final int UDP_BUFFER = 4 << 20;
    /**
     * Largest UDP payload we send or take: the ceiling path MTU discovery climbs towards. quiche starts every
     * connection at 1,200 bytes and uses a larger size only once a probe of that size was acknowledged, so a path
     * with a smaller MTU costs a few lost probes, never a black hole. quic is CPU-bound per packet (quiche, the kernel
     * and Netty's codec each pay per datagram), so fewer, larger datagrams are what moves it; docs/performance.md.
     */
    static final int MAX_UDP_PAYLOAD = Math.max(1_200,
            Math.min(65_000, Integer.getInteger("alknet.quic.maxSendUdpPayload", 4_000)));
    /**
     * Discovery needs the don't-fragment bit (else the kernel fragments a probe and it "passes"), which only the
     * native epoll sockets let us set; on NIO the payload stays at quiche's 1,200 bytes.
     */
    static final boolean PMTUD = epoll() && !Boolean.getBoolean("alknet.quic.noPmtud");
    /** Datagrams per GSO send: the kernel takes at most 64 KiB per send, whatever size discovery settles on. */
    static final int GSO_SEGMENTS = Integer.getInteger("alknet.quic.gsoSegments",
            Math.max(1, Math.min(16, 65_000 / MAX_UDP_PAYLOAD)));
    private static final boolean GRO = !Boolean.getBoolean("alknet.quic.noGro");
    /** For measurements: reno, cubic (quiche's default) or bbr. */
    private static final String CC = System.getProperty("alknet.quic.cc", "");
    /**
     * IP_MTU_DISCOVER / IPV6_MTU_DISCOVER = IP_PMTUDISC_PROBE: the DF bit on every datagram, no local fragmentation
     * and no use of ICMP "too big" (RFC 8899's datagram PMTUD: a lost probe is the only signal, which spoofed ICMP
     * cannot fake). A datagram larger than the interface's MTU fails at the send, as a lost probe.
     */
    private static final IntegerUnixChannelOption MTU_DISCOVER_V4 = new IntegerUnixChannelOption("IP_MTU_DISCOVER", 0, 10);
    private static final IntegerUnixChannelOption MTU_DISCOVER_V6 = new IntegerUnixChannelOption("IPV6_MTU_DISCOVER", 41, 23);
    private static final int PMTUDISC_PROBE = 3;

    private QuicCodecs() {
    }

    /** True when the UDP sockets are native epoll ones, which can batch packets (GSO/GRO). */
    static boolean epoll() {
        return EventLoops.datagramChannel() == EpollDatagramChannel.class;
    }

    /** Lets quiche hand several packets to the kernel in one send (UDP GSO) when epoll is in use. */
    static SegmentedDatagramPacketAllocator segments() {
        return epoll() ? EpollQuicUtils.newSegmentedAllocator(GSO_SEGMENTS) : SegmentedDatagramPacketAllocator.NONE;
    }

    /** A UDP socket for QUIC: large buffers, and GRO (several packets per read) on epoll. */
    static Bootstrap udp(ChannelHandler codec) {
        Bootstrap b = new Bootstrap().group(EventLoops.group())
                .channel(EventLoops.datagramChannel())
                .option(ChannelOption.SO_RCVBUF, UDP_BUFFER)
                .option(ChannelOption.SO_SNDBUF, UDP_BUFFER)
                .handler(codec);
        if (epoll() && GRO) {
            b.option(EpollChannelOption.UDP_GRO, true)
                    .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(64 * 1024));
        } else {
            // one datagram per read; Netty's default allocator reads at most 2,048 bytes
            b.option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_UDP_PAYLOAD));
        }
        if (PMTUD) {
            b.option(MTU_DISCOVER_V4, PMTUDISC_PROBE).option(MTU_DISCOVER_V6, PMTUDISC_PROBE);
        }
        return b;
    }

    static <B extends QuicCodecBuilder<B>> B configure(B b, TransportSettings settings, boolean server) {
        if (PMTUD) {
            b.maxSendUdpPayloadSize(MAX_UDP_PAYLOAD).discoverPmtu(true);
        }
        if (!CC.isEmpty()) {
            b.congestionControlAlgorithm(QuicCongestionControlAlgorithm.valueOf(CC.toUpperCase(Locale.ROOT)));
        }
        return b.maxRecvUdpPayloadSize(MAX_UDP_PAYLOAD)
                .maxIdleTimeout(settings.quicIdleTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .initialMaxData(CONNECTION_WINDOW)
                .initialMaxStreamDataBidirectionalLocal(STREAM_WINDOW)
                .initialMaxStreamDataBidirectionalRemote(STREAM_WINDOW)
                .initialMaxStreamDataUnidirectional(0)
                // Only the client opens streams, and only bidirectional ones.
                .initialMaxStreamsBidirectional(server ? MAX_CLIENT_STREAMS : 0)
                .initialMaxStreamsUnidirectional(0)
                .datagram(8, 8);
    }
}
