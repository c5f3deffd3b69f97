package dev.alknet.transport.resume;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * The clear-text lines of the resume handshake. The hello starts with {@code SSH-2.0-} so that a stealth
 * server's first-bytes gate lets it through; the answer is an RFC 4253 §4.2 style pre-version line.
 *
 * <pre>
 * client: SSH-2.0-alknet-resume/1 ID-HEX COUNTER PROOF-HEX RECEIVED\r\n
 * server: ALKNET-RESUME/1 OK RECEIVED\r\n   or   ALKNET-RESUME/1 NO\r\n
 * </pre>
 */
public final class ResumeHello {

    /** What an alknet client adds to its SSH identification to offer a resumable carrier (part of V_C). */
    public static final String CLIENT_MARK = "resume/1";
    /** Client identification prefix that marks the offer: "SSH-2.0-alknet resume/1". */
    public static final String OFFER_PREFIX = "SSH-2.0-alknet " + CLIENT_MARK;
    /** The server's pre-version line that accepts the offer. */
    public static final String ACCEPT_LINE = "ALKNET-RESUME/1 framed";
    public static final String HELLO_PREFIX = "SSH-2.0-alknet-resume/1 ";
    static final String ANSWER_PREFIX = "ALKNET-RESUME/1 ";
    static final int MAX_LINE = 255;

    public record Hello(byte[] id, long counter, byte[] proof, long received) {
    }

    private ResumeHello() {
    }

    static byte[] hello(ResumeToken token, long counter, long received) {
        return ascii(line(new Hello(token.id(), counter, token.proof(counter), received)) + "\r\n");
    }

    /** The hello's line without CR LF: what {@link #parseHello} reads back. */
    static String line(Hello h) {
        return HELLO_PREFIX + HexFormat.of().formatHex(h.id()) + " " + h.counter() + " "
                + HexFormat.of().formatHex(h.proof()) + " " + h.received();
    }

    /** Null if the line is not a well-formed hello. */
    static Hello parseHello(String line) {
        if (!line.startsWith(HELLO_PREFIX)) {
            return null;
        }
        String[] f = line.substring(HELLO_PREFIX.length()).trim().split(" ");
        if (f.length != 4) {
            return null;
        }
        try {
            return new Hello(HexFormat.of().parseHex(f[0]), Long.parseLong(f[1]), HexFormat.of().parseHex(f[2]),
                    Long.parseLong(f[3]));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    static byte[] ok(long received) {
        return ascii(ANSWER_PREFIX + "OK " + received + "\r\n");
    }

    static byte[] no() {
        return ascii(ANSWER_PREFIX + "NO\r\n");
    }

    /** The server's received count from an OK answer, -1 for a refusal or anything else. */
    static long parseAnswer(String line) {
        String p = ANSWER_PREFIX + "OK ";
        if (!line.startsWith(p)) {
            return -1;
        }
        try {
            return Long.parseLong(line.substring(p.length()).trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
