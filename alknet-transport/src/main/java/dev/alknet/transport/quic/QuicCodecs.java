package dev.alknet.transport.quic;

import dev.alknet.transport.EventLoops;
import dev.alknet.transport.TransportSettings;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.handler.codec.quic.EpollQuicUtils;
import io.netty.handler.codec.quic.SegmentedDatagramPacketAllocator;
import io.netty.handler.codec.quic.QuicCodecBuilder;
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
 */
final class QuicCodecs {

    static final long CONNECTION_WINDOW = Long.getLong("alknet.quic.connWindow", 7L << 20);
    static final long STREAM_WINDOW = Long.getLong("alknet.quic.streamWindow", 6L << 20);
    /** Streams a client may open on one connection (alknet uses one). */
    static final long MAX_CLIENT_STREAMS = 16;

    static final int UDP_BUFFER = 4 << 20;
    /**
     * Largest UDP payload we send; 0 (the default) leaves quiche's own (1,200 bytes). A property for measurements
     * only: larger datagrams are fewer per byte (quic is CPU-bound per packet), but black-hole on paths with a
     * smaller MTU, and this quiche build does no path MTU discovery.
     */
    static final long MAX_SEND_UDP_PAYLOAD = Long.getLong("alknet.quic.maxSendUdpPayload", 0);
    private static final boolean GRO = !Boolean.getBoolean("alknet.quic.noGro");
    static final boolean PMTUD = Boolean.getBoolean("alknet.quic.pmtud");
    static final int GSO_SEGMENTS = Integer.getInteger("alknet.quic.gsoSegments", 16);
    static final String CC = System.getProperty("alknet.quic.cc", "");
    static final int FLUSH_PACKETS = Integer.getInteger("alknet.quic.flushPackets", 0);
    /** IP_MTU_DISCOVER (IPv4) / IPV6_MTU_DISCOVER with IP_PMTUDISC_PROBE: DF set, never fragmented locally. */
    private static final io.netty.channel.unix.IntegerUnixChannelOption DF4 =
            new io.netty.channel.unix.IntegerUnixChannelOption("IP_MTU_DISCOVER", 0, 10);
    private static final io.netty.channel.unix.IntegerUnixChannelOption DF6 =
            new io.netty.channel.unix.IntegerUnixChannelOption("IPV6_MTU_DISCOVER", 41, 23);

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
        }
        if (epoll() && PMTUD) {
            b.option(DF4, 3);
        }
        return b;
    }

    static <B extends QuicCodecBuilder<B>> B configure(B b, TransportSettings settings, boolean server) {
        if (MAX_SEND_UDP_PAYLOAD > 0) {
            b.maxSendUdpPayloadSize(MAX_SEND_UDP_PAYLOAD);
        }
        if (PMTUD) {
            b.discoverPmtu(true);
        }
        if (!CC.isEmpty()) {
            b.congestionControlAlgorithm(io.netty.handler.codec.quic.QuicCongestionControlAlgorithm.valueOf(CC));
        }
        if (FLUSH_PACKETS > 0) {
            b.flushStrategy(io.netty.handler.codec.quic.FlushStrategy.afterNumPackets(FLUSH_PACKETS));
        }
        return b.maxIdleTimeout(settings.quicIdleTimeout().toMillis(), TimeUnit.MILLISECONDS)
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
