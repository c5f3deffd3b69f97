package dev.alknet.client.socks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.alknet.client.TunnelDownException;
import io.netty.handler.codec.socksx.v5.Socks5CommandStatus;
import java.io.IOException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.exception.SshChannelOpenException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SocksReplyMapperTest {

    @ParameterizedTest(name = "reason {0}, \"{1}\" -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
        1 | Connection denied                                   | 0x02
        1 | connect failed: connection refused                  | 0x02
        3 | unknown channel type                                | 0x07
        2 | connect failed: connection refused                  | 0x05
        2 | Connection refused                                  | 0x05
        2 | connect failed: connection timed out                | 0x06
        2 | Operation timed out                                 | 0x06
        2 | read timeout                                        | 0x06
        2 | connect failed: network is unreachable              | 0x03
        2 | Network unreachable                                 | 0x03
        2 | connect failed: unknown host example.invalid        | 0x04
        2 | connect failed: unknown host refused.timed.out.test | 0x04
        2 | connect failed: no route to host                    | 0x04
        2 | Host is unreachable                                 | 0x04
        2 | host unreachable                                    | 0x04
        2 | Name or service not known                           | 0x04
        2 | nodename nor servname provided, or not known        | 0x04
        2 | No address associated with hostname                 | 0x04
        2 | Temporary failure in name resolution                | 0x04
        2 | could not resolve proxy.example                     | 0x04
        0 | UnresolvedAddressException while opening channel: Generic error while opening channel: 7 | 0x04
        2 | Generic error while opening channel: 5              | 0x01
        2 | open failed                                         | 0x01
        4 | resource shortage                                   | 0x01
        2 | CONNECT FAILED: CONNECTION REFUSED                  | 0x05
        2 |                                                     | 0x01
        2 | connect failed: outbound proxy unavailable: socks5h://127.0.0.1:9050 (connection refused) | 0x01
        2 | connect failed: outbound proxy unavailable: http://p:3128 (connection timed out) | 0x01
        2 | connect failed: connection refused (outbound proxy) | 0x05
        2 | connect failed: no route to host (outbound proxy)   | 0x04
        """)
    void mapsOpenFailures(int reason, String description, String expected) {
        byte code = (byte) Integer.parseInt(expected.substring(2), 16);
        assertEquals(Socks5CommandStatus.valueOf(code), SocksReplyMapper.forOpenFailure(reason, description));
    }

    @Test
    void channelOpenExceptionIsUnwrappedFromCompletionException() {
        var open = new SshChannelOpenException(7, SshConstants.SSH_OPEN_CONNECT_FAILED,
                "connect failed: connection refused");
        assertEquals(Socks5CommandStatus.CONNECTION_REFUSED,
                SocksReplyMapper.forFailure(new CompletionException(open)));
    }

    @Test
    void tunnelDownIsGeneralFailure() {
        assertEquals(Socks5CommandStatus.FAILURE, SocksReplyMapper.forFailure(new TunnelDownException("down")));
        assertEquals(Socks5CommandStatus.FAILURE,
                SocksReplyMapper.forFailure(new CompletionException(new TunnelDownException("down"))));
    }

    @Test
    void closedSessionIsGeneralFailure() {
        assertEquals(Socks5CommandStatus.FAILURE, SocksReplyMapper.forFailure(new IOException("Session has been closed")));
        assertEquals(Socks5CommandStatus.FAILURE, SocksReplyMapper.forFailure(new IllegalStateException("closing")));
    }

    @Test
    void unansweredOpenIsTtlExpired() {
        assertEquals(Socks5CommandStatus.TTL_EXPIRED, SocksReplyMapper.forFailure(new TimeoutException("slow")));
    }
}
