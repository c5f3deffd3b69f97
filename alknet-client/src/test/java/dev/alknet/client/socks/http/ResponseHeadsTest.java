package dev.alknet.client.socks.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ResponseHeadsTest {

    private static String through(String... writes) {
        EmbeddedChannel ch = new EmbeddedChannel(new ResponseHeads());
        for (String w : writes) {
            ch.writeAndFlush(Unpooled.copiedBuffer(w, StandardCharsets.ISO_8859_1));
        }
        StringBuilder b = new StringBuilder();
        ByteBuf out;
        while ((out = ch.readOutbound()) != null) {
            b.append(out.toString(StandardCharsets.ISO_8859_1));
            out.release();
        }
        ch.finishAndReleaseAll();
        return b.toString();
    }

    @Test
    void theClientIsToldTheConnectionCloses() {
        assertEquals("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-A: 1\r\nConnection: close\r\n\r\nok",
                through("HTTP/1.1 200 OK\r\nConnection: keep-alive, X-Secret\r\nKeep-Alive: timeout=5\r\n"
                        + "Content-Length: 2\r\nX-Secret: s\r\nX-A: 1\r\n\r\nok"));
    }

    @Test
    void aHeadInPiecesAndInterimHeadsAreRewrittenThenEverythingPasses() {
        assertEquals("HTTP/1.1 100 Continue\r\nConnection: close\r\n\r\n"
                + "HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\nHTTP/1.1 200 not a head\r\n\r\n",
                through("HTTP/1.1 100 Cont", "inue\n\nHTTP/1.1 204 No Content\r\n", "Connection: keep-alive\r\n\r\n",
                        "HTTP/1.1 200 not a head\r\n\r\n"));
    }

    @Test
    void somethingElsePassesUnchanged() {
        assertEquals("SSH-2.0-x\r\n\r\nrest", through("SSH-2.0-x\r\n\r\n", "rest"));
        String huge = "HTTP/1.1 200 OK\r\nX: " + "a".repeat(HttpHeadParser.MAX_HEAD) + "\r\n\r\n";
        assertEquals(huge, through(huge));
    }
}
