package dev.alknet.client;

import java.time.Instant;

/**
 * A snapshot of a running client, for {@code alknet status} and embedding programs.
 *
 * @param server      the server of the current session, or the one tried last while down
 * @param up          whether a session is up now
 * @param since       when the tunnel last came up (if up) or went down (if down); null before the first attempt
 * @param sessions    sessions brought up so far (1 + reconnects)
 * @param openStreams streams open now (SOCKS, -L, -R)
 * @param lastError   why the last attempt failed, or null
 */
public record ClientState(String server, boolean up, Instant since, long sessions, int openStreams, String lastError) {
}
