package dev.alknet.transport.resume;

import io.netty.channel.Channel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Client: every second, whether the local address the carrier's socket is bound to is still one of this host's.
 * When it is gone (interface down, address removed or replaced: a Wi-Fi roam, a new DHCP lease) the socket can never
 * carry another byte, yet nothing closes it: the carrier is dropped at once and the session resumes from the new
 * address, instead of waiting for the silence to be noticed. A carrier on a wildcard socket (QUIC) is left to its
 * transport (the kernel picks a new source address) and to the dead-carrier rule.
 */
public final class CarrierAddressWatch implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(CarrierAddressWatch.class);
    static final long PERIOD_MS = Long.getLong("alknet.resume.addressCheckMs", 1000);

    private final ResumableStream stream;
    private volatile ScheduledFuture<?> task;

    private CarrierAddressWatch(ResumableStream stream) {
        this.stream = stream;
    }

    /** Watches {@code stream}'s carriers until the stream ends. */
    public static void start(ResumableStream stream) {
        if (PERIOD_MS <= 0) {
            return;
        }
        CarrierAddressWatch w = new CarrierAddressWatch(stream);
        w.task = ResumeDialer.TIMER.scheduleWithFixedDelay(w, PERIOD_MS, PERIOD_MS, TimeUnit.MILLISECONDS);
    }

    @Override
    public void run() {
        if (stream.ended()) {
            task.cancel(false);
            return;
        }
        Channel carrier = stream.carrier();
        InetAddress local = carrier == null ? null : boundAddress(carrier);
        if (local == null || onThisHost(local) || !stream.armed()) {
            return;
        }
        if (stream.dropCarrier()) {
            LOG.info("local address {} of the carrier is gone; resuming on a new carrier", local.getHostAddress());
        }
    }

    /** The specific local address a carrier's socket uses, or null (not an IP socket, wildcard, loopback). */
    static InetAddress boundAddress(Channel carrier) {
        if (carrier.localAddress() instanceof InetSocketAddress a && a.getAddress() != null) {
            InetAddress ip = a.getAddress();
            return ip.isAnyLocalAddress() || ip.isLoopbackAddress() ? null : ip;
        }
        return null;
    }

    static boolean onThisHost(InetAddress ip) {
        try {
            return NetworkInterface.getByInetAddress(ip) != null;
        } catch (SocketException e) {
            return true; // cannot tell: leave the carrier to the dead-carrier rule
        }
    }
}
