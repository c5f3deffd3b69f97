package dev.alknet.server;

import dev.alknet.core.config.ServerAddress;
import dev.alknet.server.keepalive.ClientAliveChecker;
import dev.alknet.server.stealth.StealthOptions;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * What a server needs: its listeners, its host key and who may log in.
 *
 * @param transports          makes the transport for a listen address (tcp, tls, quic)
 * @param allowRemoteBind     whether {@code -R} forwards may listen on addresses other than loopback
 * @param clientAliveInterval how often a client is asked whether it is alive; zero turns the check off
 * @param clientAliveMax      unanswered asks in a row after which the session is closed
 * @param stealth             stealth mode (web front for non-SSH peers), {@link StealthOptions#OFF} by default
 * @param access              destination policy, outbound proxy and limits; {@link AccessOptions#UNRESTRICTED} by default
 * @param resumeGrace         how long a session whose carrier broke waits for its client to resume it
 *                            (docs/adr/0011); zero turns resumable carriers off
 * @param sshIdent            the software part of the server's SSH identification ({@code SSH-2.0-<sshIdent>}),
 *                            {@link SshIdent#DEFAULT} unless {@code --ssh-ident}
 * @param serverId            behind a load balancer: 8 lower-case hex digits that begin every resume token id this
 *                            server hands out, so the balancer can send a resume to it (docs/scaling.md); null: random
 */
public record ServerOptions(List<ServerAddress> listen, KeyPair hostKey, Path authorizedKeys,
        Function<ServerAddress, dev.alknet.transport.Transport> transports, int maxAuthAttempts,
        boolean allowRemoteBind, Duration clientAliveInterval, int clientAliveMax, StealthOptions stealth,
        AccessOptions access, Duration resumeGrace, String sshIdent,
        String serverId) {

    public static final Duration DEFAULT_RESUME_GRACE = Duration.ofSeconds(60);

    public ServerOptions {
        sshIdent = SshIdent.check(sshIdent);
        Objects.requireNonNull(resumeGrace, "resumeGrace");
        if (serverId != null && !serverId.matches("[0-9a-f]{8}")) {
            throw new IllegalArgumentException("server id: '" + serverId + "' (expected 8 hex digits)");
        }
        if (resumeGrace.isNegative()) {
            throw new IllegalArgumentException("resume grace: " + resumeGrace + " (expected: >= 0)");
        }
        Objects.requireNonNull(hostKey, "hostKey");
        Objects.requireNonNull(authorizedKeys, "authorizedKeys");
        Objects.requireNonNull(clientAliveInterval, "clientAliveInterval");
        Objects.requireNonNull(stealth, "stealth");
        Objects.requireNonNull(access, "access");
        listen = List.copyOf(listen);
        if (listen.isEmpty()) {
            throw new IllegalArgumentException("no --listen address");
        }
        if (clientAliveInterval.isNegative()) {
            throw new IllegalArgumentException("client-alive interval: " + clientAliveInterval + " (expected: >= 0)");
        }
        if (clientAliveMax < 1) {
            throw new IllegalArgumentException("client-alive count: " + clientAliveMax + " (expected: >= 1)");
        }
    }

    public ServerOptions(List<ServerAddress> listen, KeyPair hostKey, Path authorizedKeys,
            Function<ServerAddress, dev.alknet.transport.Transport> transports, int maxAuthAttempts,
            boolean allowRemoteBind, Duration clientAliveInterval, int clientAliveMax, StealthOptions stealth) {
        this(listen, hostKey, authorizedKeys, transports, maxAuthAttempts, allowRemoteBind, clientAliveInterval,
                clientAliveMax, stealth, AccessOptions.UNRESTRICTED, DEFAULT_RESUME_GRACE, SshIdent.DEFAULT, null);
    }

    /** Loopback-only remote forwards and the default client-alive check. */
    public ServerOptions(List<ServerAddress> listen, KeyPair hostKey, Path authorizedKeys,
            Function<ServerAddress, dev.alknet.transport.Transport> transports, int maxAuthAttempts) {
        this(listen, hostKey, authorizedKeys, transports, maxAuthAttempts, false,
                ClientAliveChecker.DEFAULT_INTERVAL, ClientAliveChecker.DEFAULT_MAX_UNANSWERED, StealthOptions.OFF,
                AccessOptions.UNRESTRICTED, DEFAULT_RESUME_GRACE, SshIdent.DEFAULT, null);
    }

    public ServerOptions withAllowRemoteBind(boolean allow) {
        return new ServerOptions(listen, hostKey, authorizedKeys, transports, maxAuthAttempts, allow,
                clientAliveInterval, clientAliveMax, stealth, access, resumeGrace, sshIdent, serverId);
    }

    public ServerOptions withClientAlive(Duration interval, int max) {
        return new ServerOptions(listen, hostKey, authorizedKeys, transports, maxAuthAttempts, allowRemoteBind,
                interval, max, stealth, access, resumeGrace, sshIdent, serverId);
    }

    public ServerOptions withStealth(StealthOptions s) {
        return new ServerOptions(listen, hostKey, authorizedKeys, transports, maxAuthAttempts, allowRemoteBind,
                clientAliveInterval, clientAliveMax, s, access, resumeGrace, sshIdent, serverId);
    }

    public ServerOptions withAccess(AccessOptions a) {
        return new ServerOptions(listen, hostKey, authorizedKeys, transports, maxAuthAttempts, allowRemoteBind,
                clientAliveInterval, clientAliveMax, stealth, a, resumeGrace, sshIdent, serverId);
    }

    public ServerOptions withResumeGrace(Duration grace) {
        return new ServerOptions(listen, hostKey, authorizedKeys, transports, maxAuthAttempts, allowRemoteBind,
                clientAliveInterval, clientAliveMax, stealth, access, grace, sshIdent, serverId);
    }

    public ServerOptions withSshIdent(String ident) {
        return new ServerOptions(listen, hostKey, authorizedKeys, transports, maxAuthAttempts, allowRemoteBind,
                clientAliveInterval, clientAliveMax, stealth, access, resumeGrace, ident, serverId);
    }

    public ServerOptions withServerId(String id) {
        return new ServerOptions(listen, hostKey, authorizedKeys, transports, maxAuthAttempts, allowRemoteBind,
                clientAliveInterval, clientAliveMax, stealth, access, resumeGrace, sshIdent, id);
    }
}
