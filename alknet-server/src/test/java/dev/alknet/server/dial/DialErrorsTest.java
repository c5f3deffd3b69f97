package dev.alknet.server.dial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.netty.channel.ConnectTimeoutException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class DialErrorsTest {

    static Stream<Arguments> failures() {
        return Stream.of(
                // NIO (annotated by Netty with the address) and epoll (errno text after "connect(..) failed: ")
                Arguments.of(new ConnectException("Connection refused: /127.0.0.1:9"),
                        DialFailure.CONNECTION_REFUSED, "connection refused"),
                Arguments.of(new ConnectException("connect(..) failed: Connection refused: /127.0.0.1:9"),
                        DialFailure.CONNECTION_REFUSED, "connection refused"),
                Arguments.of(new NoRouteToHostException("connect(..) failed: Network is unreachable: /10.9.9.9:80"),
                        DialFailure.NETWORK_UNREACHABLE, "network is unreachable"),
                Arguments.of(new SocketException("Network is unreachable: /10.9.9.9:80"),
                        DialFailure.NETWORK_UNREACHABLE, "network is unreachable"),
                Arguments.of(new NoRouteToHostException("connect(..) failed: No route to host: /10.9.9.9:80"),
                        DialFailure.HOST_UNREACHABLE, "no route to host"),
                Arguments.of(new NoRouteToHostException("No route to host"),
                        DialFailure.HOST_UNREACHABLE, "no route to host"),
                Arguments.of(new ConnectTimeoutException("connection timed out after 10000 ms: /10.9.9.9:80"),
                        DialFailure.TIMED_OUT, "connection timed out"),
                Arguments.of(new ConnectException("connect(..) failed: Connection timed out"),
                        DialFailure.TIMED_OUT, "connection timed out"),
                Arguments.of(new CompletionException(new ConnectException("Connection refused")),
                        DialFailure.CONNECTION_REFUSED, "connection refused"),
                Arguments.of(new IOException("Something Odd"), DialFailure.OTHER, "something odd"));
    }

    @ParameterizedTest
    @MethodSource("failures")
    void classifiesByTypeAndErrno(Throwable failure, DialFailure kind, String reason) {
        DialException e = DialErrors.classify(failure);
        assertEquals(kind, e.failure());
        assertEquals(reason, e.reason());
    }

    @Test
    void keepsAnExistingDialException() {
        DialException original = DialErrors.unknownHost("foo.invalid", null);
        assertSame(original, DialErrors.classify(new CompletionException(original)));
        assertEquals("unknown host foo.invalid", original.reason());
    }
}
