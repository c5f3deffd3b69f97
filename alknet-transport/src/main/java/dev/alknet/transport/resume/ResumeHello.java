package dev.alknet.transport.resume;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * The clear-text lines of the resume handshake. The hello starts with {@code SSH-2.0-} so that a stealth
 * server's first-bytes gate lets it through; the answer is an RFC 4253 §4.2 style pre-version line.
 *
 * <pre>
 * client: SSH-2.0-alknet-resume/1 ID-HEX COUNTER PROOF-HEX RECEIVED\r\n
 * server: ALKNET-RESUME/1 OK RECEIVED\r\n   or   ALKNET-RESUME/1 NO\r\n   or   ALKNET-RESUME/1 STALE\r\n
 * </pre>
 * NO: no such session here (the client gives up and reconnects); STALE: the session is known but this hello's
 * counter or proof is not good (a hello delayed past a newer one, a replay): the client tries again.
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

    /**
     * Null if the line (without CR LF) is not a hello exactly as {@link #hello} writes it: lower-case hex of the
     * right lengths, decimal counts without sign or leading zeros, single spaces. One spelling per hello, so what
     * is accepted is what the client's proof was made over, and nothing else.
     */
    static Hello parseHello(String line) {
        if (!line.startsWith(HELLO_PREFIX)) {
            return null;
        }
        String[] f = line.substring(HELLO_PREFIX.length()).split(" ", -1);
        if (f.length != 4 || !hex(f[0], ResumeToken.ID_BYTES) || !hex(f[2], ResumeToken.PROOF_BYTES)) {
            return null;
        }
        long counter = count(f[1]);
        long received = count(f[3]);
        if (counter < 0 || received < 0) {
            return null;
        }
        return new Hello(HexFormat.of().parseHex(f[0]), counter, HexFormat.of().parseHex(f[2]), received);
    }

    static byte[] ok(long received) {
        return ascii(ANSWER_PREFIX + "OK " + received + "\r\n");
    }

    static byte[] no() {
        return ascii(ANSWER_PREFIX + "NO\r\n");
    }

    static byte[] stale() {
        return ascii(ANSWER_PREFIX + "STALE\r\n");
    }

    /** Whether an answer line (without CR LF) says the server does not know the session. */
    static boolean unknownSession(String line) {
        return line.equals(ANSWER_PREFIX + "NO");
    }

    /** The server's received count from an OK answer (without CR LF, as {@link #ok} writes it), -1 otherwise. */
    static long parseAnswer(String line) {
        String p = ANSWER_PREFIX + "OK ";
        return line.startsWith(p) ? count(line.substring(p.length())) : -1;
    }

    /** A count as Long.toString writes it (digits, no sign, no leading zero), or -1. */
    private static long count(String s) {
        if (s.isEmpty() || s.length() > 19 || (s.length() > 1 && s.charAt(0) == '0')) {
            return -1;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return -1;
            }
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException tooLarge) {
            return -1;
        }
    }

    /** Lower-case hex of exactly {@code bytes} bytes, as HexFormat writes it. */
    private static boolean hex(String s, int bytes) {
        if (s.length() != 2 * bytes) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
