package dev.alknet.client.socks.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ChunkedBodyTest {

    /** Feeds {@code input} in pieces of {@code step} bytes; returns what goes to the origin and what is left. */
    private static String[] run(String input, int step) throws HttpProxyException {
        ChunkedBody body = new ChunkedBody();
        ByteBuf in = Unpooled.buffer();
        List<Object> out = new ArrayList<>();
        byte[] bytes = input.getBytes(StandardCharsets.ISO_8859_1);
        boolean done = false;
        for (int at = 0; at < bytes.length && !done; at += step) {
            in.writeBytes(bytes, at, Math.min(step, bytes.length - at));
            done = body.decode(in, out);
        }
        StringBuilder sent = new StringBuilder();
        for (Object o : out) {
            ByteBuf b = (ByteBuf) o;
            sent.append(b.toString(StandardCharsets.ISO_8859_1));
            b.release();
        }
        String rest = in.toString(StandardCharsets.ISO_8859_1);
        in.release();
        return new String[] {sent.toString(), rest, Boolean.toString(done)};
    }

    @Test
    void reEncodedWithoutExtensionsOrTrailersAndStopsAtTheEnd() throws Exception {
        String body = "5;name=\"v\"\r\nhello\r\n00A\r\n0123456789\r\n0\r\nX-Trailer: 1\r\n\r\n";
        String next = "GET http://b/ HTTP/1.1\r\n\r\n";
        for (int step : new int[] {1, 3, 1000}) {
            String[] r = run(body + next, step);
            assertEquals("5\r\nhello\r\na\r\n0123456789\r\n0\r\n\r\n", r[0], "step " + step);
            assertTrue(Boolean.parseBoolean(r[2]));
            assertTrue(next.startsWith(r[1]), r[1]); // what follows the body is left alone
        }
        assertEquals(next, run(body + next, 1000)[1]);
    }

    @Test
    void incompleteBodyIsNotDone() throws Exception {
        assertFalse(Boolean.parseBoolean(run("5\r\nhel", 1000)[2]));
    }

    @ParameterizedTest
    @ValueSource(strings = {"5\nhello\r\n0\r\n\r\n", "5\r\nhelloXX0\r\n\r\n", " 5\r\nhello\r\n0\r\n\r\n",
        "+5\r\nhello\r\n", "5 x\r\nhello\r\n", "\r\n", "0x5\r\nhello\r\n", "fffffffffffffffff\r\n",
        "5\rhello\r\n", "0\r\nX: 1\n\r\n"})
    void malformedFramingIsRefused(String input) {
        assertThrows(HttpProxyException.class, () -> run(input, 1000));
    }

    @Test
    void sizeLinesAndTrailersAreBounded() {
        assertThrows(HttpProxyException.class, () -> run("5;" + "x".repeat(ChunkedBody.MAX_LINE) + "\r\n", 1000));
        assertThrows(HttpProxyException.class,
                () -> run("0\r\n" + "X: 1\r\n".repeat(ChunkedBody.MAX_TRAILERS / 6 + 1) + "\r\n", 1000));
    }
}
