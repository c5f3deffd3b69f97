package dev.alknet.server.stealth;

import dev.alknet.stealth.WebFront;
import dev.alknet.transport.EventLoops;
import dev.alknet.transport.StreamAcceptor;
import dev.alknet.transport.stealth.SessionBinding;
import dev.alknet.transport.stealth.StrictVerifier;
import dev.alknet.transport.tls.TlsTransport;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stealth mode for every listener of a server: each accepted stream first goes through a gate, a
 * {@link FirstBytesGate} (compatible: {@code SSH-2.0-} goes to SSH) or a {@link StrictProofGate} (strict:
 * only a valid proof of the stealth key does); everything else goes to the {@link WebFront} (module
 * alknet-stealth: the static site emulating nginx, or the pipe to {@code --stealth-fallback}). No SSH byte is
 * sent before the decision, because SSH is attached only then.
 */
public final class StealthFront {

    private static final Logger LOG = LoggerFactory.getLogger(StealthFront.class);
    private static final Duration FALLBACK_CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private final StealthOptions options;
    private final WebFront webFront;
    private final StrictVerifier verifier;

    /** Checks the site directory and resolves the fallback host once, at start. */
    public StealthFront(StealthOptions options) throws IOException {
        if (!options.enabled()) {
            throw new IllegalArgumentException("stealth is off");
        }
        this.options = options;
        this.verifier = options.key() == null ? null : new StrictVerifier(options.key());
        if (options.fallback() == null) {
            this.webFront = WebFront.site(options.site());
        } else {
            InetSocketAddress fallback = new InetSocketAddress(options.fallback().getHost(), options.fallbackPort());
            if (fallback.isUnresolved()) {
                throw new IOException("--stealth-fallback: cannot resolve " + options.fallback().getHost());
            }
            this.webFront = WebFront.fallback(fallback, FALLBACK_CONNECT_TIMEOUT, EventLoops.socketChannel());
        }
        WebFront.warmUp();
    }

    /** What a strict tls listener of this runtime does with the proofs' binding to the TLS session. */
    static String bindingSummary(StealthOptions.Binding binding) {
        if (!SessionBinding.available()) {
            return "tls proofs cannot be bound to the TLS session: Java " + Runtime.version().feature()
                    + " has no TLS exporter (Java 25 has); clients on Java 25 or newer send bound proofs and are refused";
        }
        return binding == StealthOptions.Binding.REQUIRED
                ? "tls proofs must be bound to the TLS session (TLS exporter); unbound ones are refused"
                : "tls proofs bound to the TLS session (TLS exporter); unbound ones from clients on Java < 25 accepted";
    }

    public StealthOptions options() {
        return options;
    }

    /**
     * The acceptor for one listener. {@code ssh} attaches SSH to a stream (it is called on the stream's
     * event loop, with autoRead off and the peer's first bytes held back, and must add its handler last).
     *
     * @param scheme tcp, tls or quic: redirects from a TLS or QUIC listener say https://; ws or wss: the stream is
     *               past its Upgrade, only the first bytes inside the frames are judged
     */
    public StreamAcceptor acceptor(String scheme, Consumer<Channel> ssh) {
        if ("ws".equals(scheme) || "wss".equals(scheme)) {
            return stream -> insideWebSocket(stream, ssh);
        }
        boolean secure = !"tcp".equals(scheme);
        if (verifier != null && "tls".equals(scheme)) {
            LOG.info("strict stealth: {}", bindingSummary(options.binding()));
        }
        // --ws-path: a WebSocket client comes as a web visitor first (quic carries no HTTP/1.1 Upgrade)
        boolean routeWs = options.wsPath() != null && !"quic".equals(scheme);
        return stream -> {
            long deadline = System.nanoTime() + options.timeout().toNanos();
            boolean plain = Boolean.TRUE.equals(stream.attr(TlsTransport.PLAINTEXT).get());
            java.util.function.Supplier<ChannelHandler> site = () -> {
                // a web visitor: no handshake of ours follows, so it no longer counts as a pending one
                dev.alknet.transport.Admission.settle(stream);
                return webFront.handler(secure && !plain, plain, options.timeout(), deadline);
            };
            java.util.function.Supplier<ChannelHandler> web = !routeWs || plain ? site
                    : () -> new WsRoute(options.wsPath(), site, s -> insideWebSocket(s, ssh), deadline);
            ChannelHandler gate;
            if (verifier == null) {
                gate = new FirstBytesGate(ssh, web, deadline);
            } else if (plain) {
                // plaintext on a TLS port never carries a proof (it is bound to the TLS session)
                gate = new StrictProofGate(verifier, "plaintext-on-tls", true, c -> c.close(), web, deadline);
            } else {
                // only tls has an exporter: "required" there, while quic and tcp proofs are always unbound
                boolean unboundAllowed = options.binding() == StealthOptions.Binding.ANY || !"tls".equals(scheme);
                gate = new StrictProofGate(verifier, scheme, unboundAllowed, ssh, web, deadline);
            }
            stream.pipeline().addLast("alknet-stealth", gate);
            stream.read();
        };
    }

    /**
     * A stream after its WebSocket Upgrade: the same decision on the first bytes inside the frames (SSH-2.0-, or the
     * strict proof, scheme ws and never bound: a proxy may have ended the TLS). Anything else is closed: there is
     * no web site inside a WebSocket.
     */
    private void insideWebSocket(Channel stream, Consumer<Channel> ssh) {
        long deadline = System.nanoTime() + options.timeout().toNanos();
        java.util.function.Supplier<ChannelHandler> drop = () -> {
            stream.close();
            return new io.netty.channel.ChannelInboundHandlerAdapter();
        };
        ChannelHandler gate = verifier == null ? new FirstBytesGate(ssh, drop, deadline)
                : new StrictProofGate(verifier, "ws", true, ssh, drop, deadline);
        stream.pipeline().addLast("alknet-stealth-ws", gate);
        stream.read();
    }
}
