package dev.alknet.core.open;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.sshd.common.SshConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class OpenFailureTest {

    /** What the server writes, the client reads back as the same reason: the two ends cannot drift. */
    @ParameterizedTest
    @EnumSource(OpenFailure.class)
    void everyReasonSurvivesTheWire(OpenFailure reason) {
        assertEquals(reason, OpenFailure.of(reason.sshReason(), reason.description(reason.text())));
    }

    /** The exact texts alknet-server has always sent: older clients match them. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        FORBIDDEN           | forbidden by server policy                         | 1 | 0x02 | 403
        UNKNOWN_HOST        | connect failed: unknown host x.invalid             | 2 | 0x04 | 502
        HOST_UNREACHABLE    | connect failed: no route to host                   | 2 | 0x04 | 502
        CONNECTION_REFUSED  | connect failed: connection refused                 | 2 | 0x05 | 502
        TIMED_OUT           | connect failed: connection timed out               | 2 | 0x06 | 504
        NETWORK_UNREACHABLE | connect failed: network is unreachable             | 2 | 0x03 | 502
        PROXY_DOWN          | connect failed: outbound proxy unavailable: p (x)  | 2 | 0x01 | 502
        OTHER               | connect failed: invalid port 0                     | 2 | 0x01 | 502
        """)
    void wireTextsAndAnswers(OpenFailure reason, String wire, int sshReason, String socks5, int http) {
        String detail = wire.startsWith(OpenFailure.CONNECT_FAILED) ? wire.substring(16) : "ignored";
        assertEquals(wire, reason.description(detail));
        assertEquals(sshReason, reason.sshReason());
        assertEquals((byte) Integer.parseInt(socks5.substring(2), 16), reason.socks5());
        assertEquals(http, reason.httpStatus());
        assertEquals(0x5B, reason.socks4());
    }

    @Test
    void anUnknownHostNamedLikeAnotherReasonIsStillUnknown() {
        assertEquals(OpenFailure.UNKNOWN_HOST, OpenFailure.of(SshConstants.SSH_OPEN_CONNECT_FAILED,
                OpenFailure.UNKNOWN_HOST.description("unknown host refused.timed.out.test")));
    }

    @Test
    void theReasonCodeDecidesBeforeTheText() {
        assertEquals(OpenFailure.FORBIDDEN,
                OpenFailure.of(SshConstants.SSH_OPEN_ADMINISTRATIVELY_PROHIBITED, "connect failed: connection refused"));
        assertEquals(OpenFailure.UNSUPPORTED, OpenFailure.of(SshConstants.SSH_OPEN_UNKNOWN_CHANNEL_TYPE, "x"));
        assertEquals(OpenFailure.OTHER, OpenFailure.of(SshConstants.SSH_OPEN_RESOURCE_SHORTAGE, "resource shortage"));
    }

    @Test
    void httpStatusFollowsTheSocksAnswer() {
        assertEquals(403, OpenFailure.forSocks5((byte) 0x02).httpStatus());
        assertEquals(504, OpenFailure.forSocks5((byte) 0x06).httpStatus());
        assertEquals(501, OpenFailure.forSocks5((byte) 0x07).httpStatus());
        assertEquals(502, OpenFailure.forSocks5((byte) 0x08).httpStatus());
    }
}
