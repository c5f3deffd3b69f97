package dev.alknet.stealth;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/** The head parser alone answers every input with a head, "more", or an nginx error status. */
class HttpHeadFuzzTest {

    private static final Set<Integer> STATUSES = Set.of(400, 405, 414, 494, 501, 505);

    @FuzzTest(maxDuration = "60s")
    void requestHead(byte[] input) {
        ByteBuf b = Unpooled.wrappedBuffer(input);
        try {
            HttpHead.Result r = HttpHead.parse(b);
            if (r.head() != null) {
                assertTrue(r.head().path.startsWith("/"), () -> "path " + r.head().path);
                assertTrue(r.head().length <= input.length, "head longer than the input");
            } else if (r != HttpHead.Result.MORE) {
                assertTrue(STATUSES.contains(r.error()), () -> "status " + r.error() + " for "
                        + new String(input, StandardCharsets.ISO_8859_1));
            }
        } finally {
            b.release();
        }
    }
}
