package dev.alknet.transport.resume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * The contract a load balancer relies on (docs/scaling.md): a server id given to the registry is the first
 * 8 hex digits of every token id, and the resume hello shows them at bytes 24-31.
 */
class ServerIdInHelloTest {

    @Test
    void serverIdSitsAtAFixedOffsetOfTheHello() {
        byte[] prefix = HexFormat.of().parseHex("0000000b");
        ResumeToken a = ResumeToken.random(prefix);
        ResumeToken b = ResumeToken.random(prefix);
        assertEquals("0000000b", a.idHex().substring(0, 8));
        assertNotEquals(a.idHex(), b.idHex(), "the rest stays random");
        String hello = new String(ResumeHello.hello(a, 7, 123), StandardCharsets.US_ASCII);
        assertEquals(24, ResumeHello.HELLO_PREFIX.length());
        assertEquals("0000000b", hello.substring(24, 32));
        assertEquals(a.idHex(), HexFormat.of().formatHex(ResumeHello.parseHello(hello.strip()).id()));
    }
}
