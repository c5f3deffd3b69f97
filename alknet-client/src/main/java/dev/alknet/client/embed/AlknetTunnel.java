package dev.alknet.client.embed;

import dev.alknet.client.ClientOptions;
import dev.alknet.client.SessionConnector;
import dev.alknet.client.TunnelConnector;
import dev.alknet.client.TunnelSupervisor;
import dev.alknet.client.failover.FailoverConnector;
import dev.alknet.client.forward.RemoteForwardFilter;
import dev.alknet.core.channel.ChannelOpener;
import dev.alknet.core.channel.StreamDirectTcpip;
import dev.alknet.core.config.AlknetHome;
import dev.alknet.core.config.ServerAddress;
import dev.alknet.core.hostkeys.HostKeyPolicy;
import dev.alknet.core.keys.KeyFiles;
import dev.alknet.core.metrics.ChannelMetrics;
import dev.alknet.transport.EventLoops;
import dev.alknet.transport.TransportSettings;
import dev.alknet.transport.Transports;
import dev.alknet.transport.tls.TlsClientOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * alknet inside a Java program: a supervised tunnel (reconnects, failover) and {@link #openStream(String, int)} for
 * a byte stream to any host the server can reach, with no SOCKS port. See docs/embedding.md.
 *
 * <pre>{@code
 * try (AlknetTunnel tunnel = AlknetTunnel.builder().server("tls://vps.example.com").home(Path.of("/etc/app/alknet"))
 *         .connect();
 *      AlknetStream s = tunnel.openStream("example.com", 80)) {
 *     s.output().write("GET / HTTP/1.0\r\nHost: example.com\r\n\r\n".getBytes());
 *     s.output().flush();
 *     byte[] answer = s.input().readAllBytes();
 * }
 * }</pre>
 */
public final class AlknetTunnel implements AutoCloseable {

    private final TunnelSupervisor supervisor;
    private final Duration openTimeout;
    private final AtomicInteger openChannels = new AtomicInteger();

    private AlknetTunnel(TunnelSupervisor supervisor, Duration openTimeout) {
        this.supervisor = supervisor;
        this.openTimeout = openTimeout;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * A stream to {@code host:port}, dialled by the server (names resolve there). Waits for the tunnel if it is
     * reconnecting (up to the connect wait), then for the server's dial (up to the connect timeout).
     *
     * @throws IOException with the reason (tunnel down, refused, unknown host...)
     */
    public AlknetStream openStream(String host, int port) throws IOException {
        var session = supervisor.session();
        try {
            session.get(); // the tunnel's own wait; the open's timeout starts once there is a session
        } catch (ExecutionException e) {
            throw new IOException(e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        ChannelOpener<StreamDirectTcpip> opener = ChannelOpener.open(() -> session,
                () -> new StreamDirectTcpip("127.0.0.1", 0, host, port), openTimeout, EventLoops.group().next(),
                openChannels);
        try {
            return new AlknetStream(opener.result().get());
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw new IOException(host + ":" + port + ": " + cause.getMessage(), cause);
        } catch (InterruptedException e) {
            opener.cancel();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** The reason the tunnel is down, or null while it is up. */
    public String lastError() {
        return supervisor.lastError();
    }

    @Override
    public void close() {
        supervisor.close();
    }

    /** Settings of an {@link AlknetTunnel}; only {@link #server(String)} and an identity are required. */
    public static final class Builder {
        private final List<String> servers = new ArrayList<>();
        private KeyPair identity;
        private Path knownHosts;
        private boolean strictHostKey;
        private String hostKey;
        private String tlsPin;
        private boolean tlsVerify;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration connectWait = Duration.ofSeconds(10);
        private Duration heartbeat = Duration.ofSeconds(15);
        private Duration failbackInterval = Duration.ofSeconds(60);

        private Builder() {
        }

        /** A server URL as on the command line (tcp://, tls://, quic://); call again for failover servers. */
        public Builder server(String url) {
            servers.add(Objects.requireNonNull(url));
            return this;
        }

        /** Takes the identity ({@code id_ed25519}) and {@code known_hosts} from an alknet home directory. */
        public Builder home(Path dir) throws IOException {
            AlknetHome home = new AlknetHome(dir);
            this.identity = KeyFiles.load(home.identity());
            this.knownHosts = home.knownHosts();
            return this;
        }

        public Builder identity(KeyPair identity, Path knownHosts) {
            this.identity = identity;
            this.knownHosts = knownHosts;
            return this;
        }

        /** Refuse servers not in known_hosts yet (default: trust on first use, then pin). */
        public Builder strictHostKey(boolean strict) {
            this.strictHostKey = strict;
            return this;
        }

        /** Require this {@code SHA256:...} host key fingerprint. */
        public Builder hostKey(String fingerprint) {
            this.hostKey = fingerprint;
            return this;
        }

        public Builder tlsPin(String pin) {
            this.tlsPin = pin;
            return this;
        }

        public Builder tlsVerify(boolean verify) {
            this.tlsVerify = verify;
            return this;
        }

        public Builder connectTimeout(Duration d) {
            this.connectTimeout = d;
            return this;
        }

        /** How long {@link #openStream} and {@link #connect()} wait while the tunnel is down. */
        public Builder connectWait(Duration d) {
            this.connectWait = d;
            return this;
        }

        public Builder heartbeat(Duration d) {
            this.heartbeat = d;
            return this;
        }

        public Builder failbackInterval(Duration d) {
            this.failbackInterval = d;
            return this;
        }

        /** Starts the tunnel and waits (up to the connect wait) for it to come up. */
        public AlknetTunnel connect() throws IOException {
            if (servers.isEmpty()) {
                throw new IllegalArgumentException("no server");
            }
            if (identity == null) {
                throw new IllegalArgumentException("no identity: call home(dir) or identity(keyPair, knownHosts)");
            }
            TransportSettings settings = TransportSettings.builder().connectTimeout(connectTimeout)
                    .tlsClient(new TlsClientOptions(tlsPin, tlsVerify, null)).build();
            List<TunnelConnector> connectors = new ArrayList<>();
            for (String url : servers) {
                ServerAddress a = ServerAddress.parse(url, false);
                TransportSettings forA = ServerAddress.isWs(a.scheme())
                        ? settings.toBuilder().ws(new dev.alknet.transport.ws.WsOptions(a.path(), null)).build() : settings;
                TunnelConnector c = new TunnelConnector(new ClientOptions(a, Transports.create(a.scheme(), forA),
                        identity, knownHosts, strictHostKey ? HostKeyPolicy.STRICT : HostKeyPolicy.TRUST_ON_FIRST_USE,
                        hostKey, connectTimeout, connectWait, heartbeat, 3));
                c.client().acceptForwarded(RemoteForwardFilter.allowing(List.of())); // no -R: refuse all
                c.client().addChannelListener(new ChannelMetrics());
                connectors.add(c);
            }
            SessionConnector connector = connectors.size() == 1 ? connectors.get(0)
                    : new FailoverConnector(connectors, failbackInterval);
            TunnelSupervisor supervisor = new TunnelSupervisor(connector, connectWait);
            supervisor.start();
            AlknetTunnel tunnel = new AlknetTunnel(supervisor, connectTimeout);
            try {
                supervisor.session().get(connectWait.toMillis() + 1000, TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                String why = supervisor.lastError() != null ? supervisor.lastError()
                        : e.getCause() != null ? e.getCause().getMessage() : "tunnel did not come up";
                tunnel.close();
                throw new IOException(why, e);
            } catch (InterruptedException e) {
                tunnel.close();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
            return tunnel;
        }
    }
}
