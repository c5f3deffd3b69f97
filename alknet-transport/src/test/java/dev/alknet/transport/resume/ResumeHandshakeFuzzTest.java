package dev.alknet.transport.resume;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.alknet.transport.resume.ReferenceRecords.Data;
import dev.alknet.transport.resume.ReferenceRecords.Event;
import dev.alknet.transport.resume.ResumeFramingFuzzTest.Above;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The clear-text start of a carrier, anything the peer sends, cut anyhow (first input byte: the cutting, see
 * {@link Pieces}). Server: the first line decides between plain SSH (every byte passed on unchanged), a framed
 * carrier (accept line, then records), and a resume (refused, or taken over with a known token), the same way
 * however the bytes were cut, holding at most {@link ResumeHello#MAX_LINE} bytes meanwhile. Client: the server's
 * pre-version lines and identification decide whether the carrier is framed, within
 * {@code ClientNegotiation.MAX_PRELUDE} bytes. A hello or answer that parses is the one its encoder writes.
 */
class ResumeHandshakeFuzzTest {

    private static final byte[] ID = range(0, ResumeToken.ID_BYTES);
    private static final byte[] KEY = range(0x20, ResumeToken.KEY_BYTES);
    private static final ResumableStream.Settings SETTINGS = ResumableStream.Settings.defaults(Duration.ofSeconds(5));
    private static final byte[] OWN_LINE = ResumeHello.ascii(ResumeHello.OFFER_PREFIX + " fuzz\r\n");
    private static final byte[] SSH_AFTER = ResumeHello.ascii("kexinit and so on");

    enum Kind { PLAIN, FRAMED, REFUSED, RESUMED }

    // ---- server ----

    @FuzzTest(maxDuration = "60s")
    void serverFirstLine(byte[] input) {
        Pieces p = Pieces.of(input);
        byte[] s = p.stream();
        int eol = indexOf(s, (byte) '\n', 0);
        boolean lineInTime = eol >= 0 && eol + 1 <= ResumeHello.MAX_LINE;
        String line = lineInTime ? lineText(s, eol) : null;
        Kind kind = line == null ? Kind.PLAIN
                : line.startsWith(ResumeHello.HELLO_PREFIX) ? (acceptable(line) ? Kind.RESUMED : Kind.REFUSED)
                : line.startsWith(ResumeHello.OFFER_PREFIX) ? Kind.FRAMED : Kind.PLAIN;
        if (line != null && line.startsWith(ResumeHello.HELLO_PREFIX)) {
            ResumeHello.Hello h = ResumeHello.parseHello(line);
            if (h != null) {
                assertEquals(line, ResumeHello.line(h), "a hello that parses is the one its encoder writes");
            }
        }
        byte[] rest = eol < 0 ? new byte[0] : Arrays.copyOfRange(s, eol + 1, s.length);
        Sniffed cut = sniff(p);
        Sniffed whole = sniff(p.whole());
        assertEquals(whole.toString(), cut.toString(), "decided the same however the bytes were cut");
        switch (kind) {
            case PLAIN -> {
                assertEquals(0, cut.out.length, "plain SSH: the server says nothing of resumes");
                assertEquals(data(s), cut.above, "plain SSH gets every byte unchanged");
            }
            case FRAMED -> {
                assertArrayEquals(ResumeHello.ascii(ResumeHello.ACCEPT_LINE + "\r\n"),
                        Arrays.copyOf(cut.out, ResumeHello.ACCEPT_LINE.length() + 2));
                List<Event> expected = new ArrayList<>(data(Arrays.copyOf(s, eol + 1)));
                expected.addAll(ReferenceRecords.seenAbove(ReferenceRecords.read(rest).events(), 0));
                assertEquals(merged(expected), cut.above, "identification raw, then the records' payload");
            }
            case REFUSED -> {
                // the session's own id with a bad proof or counter: STALE (its client may try again); else NO
                ResumeHello.Hello h = ResumeHello.parseHello(line);
                boolean known = h != null && Arrays.equals(h.id(), ID);
                assertArrayEquals(known ? ResumeHello.stale() : ResumeHello.no(), cut.out);
                assertFalse(cut.open, "a refused resume is closed");
                assertEquals(List.of(), cut.above);
            }
            case RESUMED -> {
                byte[] ok = ResumeHello.ok(0);
                assertArrayEquals(ok, Arrays.copyOf(cut.out, ok.length));
                if (ResumeHello.parseHello(line).received() == 0) {
                    assertEquals(ReferenceRecords.seenAbove(ReferenceRecords.read(rest).events(), 0), cut.above);
                } else {
                    assertFalse(cut.open, "a resume claiming bytes never sent is closed");
                }
            }
        }
    }

    /** What came of one sniffing: the server's bytes, what reached SSH, whether the carrier is still open. */
    private record Sniffed(byte[] out, List<Event> above, boolean open) {
        @Override
        public String toString() {
            return new String(out, StandardCharsets.ISO_8859_1) + " / " + above + " / " + open;
        }
    }

    private static Sniffed sniff(Pieces p) {
        ResumeRegistry registry = new ResumeRegistry();
        ResumableStream detached = new ResumableStream(SETTINGS);
        registry.register(detached, new ResumeToken(ID, KEY));
        List<ResumableStream> made = new ArrayList<>(List.of(detached));
        Above above = new Above();
        detached.owner(owner(above));
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.freezeTime();
        ch.pipeline().addLast(ServerSniffer.NAME, new ServerSniffer(registry, () -> {
            ResumableStream r = new ResumableStream(SETTINGS);
            made.add(r);
            return r;
        }, c -> c.pipeline().addLast(above)));
        try {
            int fed = 0;
            for (byte[] piece : p.pieces()) {
                if (!ch.isOpen()) {
                    break;
                }
                ch.writeInbound(Unpooled.wrappedBuffer(piece));
                ch.runPendingTasks();
                fed += piece.length;
                if (ch.pipeline().get(ServerSniffer.NAME) != null && ch.pipeline().get(ResumeFraming.NAME) == null
                        && !resuming(ch)) {
                    assertFalse(fed > ResumeHello.MAX_LINE, "undecided after " + fed + " bytes");
                }
            }
            ch.advanceTimeBy(6, TimeUnit.SECONDS); // a client that waits for the server: plain SSH
            ch.runPendingTasks();
            ch.checkException();
            assertTrue(above.unexpected.isEmpty(), () -> "unexpected: " + above.unexpected);
            above.events.flush();
            return new Sniffed(ResumeFramingFuzzTest.outbound(ch), above.events.list, ch.isOpen());
        } finally {
            ch.finishAndReleaseAll();
            made.forEach(ResumableStream::end);
        }
    }

    /** A hello was taken and the takeover is under way (autoRead is off meanwhile). */
    private static boolean resuming(EmbeddedChannel ch) {
        return !ch.config().isAutoRead();
    }

    /** Bytes read in the same go as a hello, before the takeover ran, are not lost (found by reading). */
    @Test
    void bytesBehindAHelloWaitForTheTakeover() {
        ResumeHello.Hello h = new ResumeHello.Hello(ID, 3, new ResumeToken(ID, KEY).proof(3), 0);
        byte[] record = record(ResumeHello.ascii("replayed"));
        ResumeRegistry registry = new ResumeRegistry();
        ResumableStream detached = new ResumableStream(SETTINGS);
        registry.register(detached, new ResumeToken(ID, KEY));
        Above above = new Above();
        detached.owner(owner(above));
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.pipeline().addLast(new ServerSniffer(registry, () -> new ResumableStream(SETTINGS), c -> c.close()));
        try {
            // two reads in one go (writeInbound would run the takeover in between)
            ch.pipeline().fireChannelRead(Unpooled.wrappedBuffer(ResumeHello.ascii(ResumeHello.line(h) + "\r\n")));
            ch.pipeline().fireChannelRead(Unpooled.wrappedBuffer(record));
            ch.runPendingTasks();
            above.events.flush();
            assertEquals(List.of(new Data(ResumeHello.ascii("replayed"))), above.events.list);
        } finally {
            ch.finishAndReleaseAll();
            detached.end();
        }
    }

    /** Endless short pre-version lines (more than a fuzz input holds): the client decides at the bound. */
    @Test
    void endlessPreVersionLinesAreCutAtTheBound() {
        ByteArrayOutputStream input = new ByteArrayOutputStream();
        input.write(17);
        for (int i = 0; i < 4000; i++) {
            input.writeBytes(ResumeHello.ascii("x\r\n"));
        }
        input.writeBytes(ResumeHello.ascii(ResumeHello.ACCEPT_LINE + "\r\nSSH-2.0-late\r\n"));
        clientFirstLines(input.toByteArray());
    }

    private static ResumableStream.Owner owner(Above above) {
        return new ResumableStream.Owner() {
            @Override
            public void carrierLost() {
            }

            @Override
            public void resumedOn(Channel carrier) {
                carrier.pipeline().addLast(above);
            }

            @Override
            public void resumeFailed(String why) {
            }
        };
    }

    /** A hello with the test token's id and a right proof (each run starts with a fresh token: any counter). */
    private static boolean acceptable(String line) {
        ResumeHello.Hello h = ResumeHello.parseHello(line);
        return h != null && Arrays.equals(ID, h.id()) && h.counter() >= 0
                && MessageDigest.isEqual(new ResumeToken(ID, KEY).proof(h.counter()), h.proof());
    }

    // ---- client ----

    @FuzzTest(maxDuration = "60s")
    void clientFirstLines(byte[] input) {
        Pieces p = Pieces.of(input);
        byte[] s = p.stream();
        int eol = indexOf(s, (byte) '\n', 0);
        if (eol >= 0) {
            String answer = lineText(s, eol);
            long n = ResumeHello.parseAnswer(answer);
            if (n >= 0) {
                assertEquals(answer, new String(ResumeHello.ok(n), StandardCharsets.US_ASCII).replace("\r\n", ""),
                        "an answer that parses is the one its encoder writes");
            }
        }
        Negotiated expected = negotiate(s);
        ResumableStream stream = new ResumableStream(SETTINGS);
        Above above = new Above();
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.freezeTime();
        ch.pipeline().addLast(ClientNegotiation.NAME, new ClientNegotiation(stream));
        ch.pipeline().addLast(above);
        try {
            ByteArrayOutputStream ours = new ByteArrayOutputStream();
            ours.writeBytes(OWN_LINE);
            ours.writeBytes(SSH_AFTER);
            // not writeOutbound: a write still held when the test ends fails ("carrier closed"), as it should
            ch.writeOneOutbound(Unpooled.wrappedBuffer(ours.toByteArray()));
            ch.flushOutbound();
            int fed = 0;
            for (byte[] piece : p.pieces()) {
                if (!ch.isOpen()) {
                    break;
                }
                ch.writeInbound(Unpooled.wrappedBuffer(piece));
                ch.runPendingTasks();
                fed += piece.length;
                if (ch.pipeline().get(ClientNegotiation.NAME) != null) {
                    assertFalse(fed > ClientNegotiation.MAX_PRELUDE, "undecided after " + fed + " bytes");
                }
            }
            ch.checkException();
            assertTrue(above.unexpected.isEmpty(), () -> "unexpected: " + above.unexpected);
            above.events.flush();
            assertEquals(expected.framed, stream.framed(), "framed");
            assertEquals(expected.above, above.events.list);
            byte[] out = ResumeFramingFuzzTest.outbound(ch);
            ByteArrayOutputStream wanted = new ByteArrayOutputStream();
            wanted.writeBytes(OWN_LINE);
            if (expected.decided) {
                wanted.writeBytes(expected.framed ? record(SSH_AFTER) : SSH_AFTER);
            }
            assertArrayEquals(wanted.toByteArray(), Arrays.copyOf(out, Math.min(out.length, wanted.size())));
        } finally {
            ch.finishAndReleaseAll();
            stream.end();
        }
    }

    private record Negotiated(boolean decided, boolean framed, List<Event> above) {
    }

    /** The client's reading of the server's first bytes, written out plainly. */
    private static Negotiated negotiate(byte[] s) {
        List<Event> above = new ArrayList<>();
        boolean accepted = false;
        int pos = 0;
        while (true) {
            int eol = indexOf(s, (byte) '\n', pos);
            if (eol < 0 || eol + 1 > ClientNegotiation.MAX_PRELUDE) {
                if (s.length <= ClientNegotiation.MAX_PRELUDE) {
                    return new Negotiated(false, false, merged(above)); // waiting for more
                }
                above.addAll(data(Arrays.copyOfRange(s, pos, s.length)));
                return new Negotiated(true, false, merged(above)); // too long a prelude: SSH will judge it
            }
            String line = lineText(s, eol, pos);
            int next = eol + 1;
            if (line.equals(ResumeHello.ACCEPT_LINE)) {
                accepted = true;
                pos = next;
                continue;
            }
            above.addAll(data(Arrays.copyOfRange(s, pos, next)));
            pos = next;
            if (line.startsWith("SSH-")) {
                byte[] rest = Arrays.copyOfRange(s, pos, s.length);
                if (accepted) {
                    above.addAll(ReferenceRecords.seenAbove(ReferenceRecords.read(rest).events(), SSH_AFTER.length));
                } else {
                    above.addAll(data(rest));
                }
                return new Negotiated(true, accepted, merged(above));
            }
        }
    }

    // ---- helpers ----

    private static byte[] record(byte[] payload) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(Frames.DATA);
        b.writeBytes(java.nio.ByteBuffer.allocate(4).putInt(payload.length).array());
        b.writeBytes(payload);
        return b.toByteArray();
    }

    private static List<Event> data(byte[] b) {
        return b.length == 0 ? List.of() : List.of(new Data(b));
    }

    private static List<Event> merged(List<Event> in) {
        ReferenceRecords.Events m = new ReferenceRecords.Events();
        for (Event e : in) {
            if (e instanceof Data d) {
                m.data(d.bytes(), 0, d.bytes().length);
            } else {
                m.add(e);
            }
        }
        return m.flush();
    }

    /** The line ending at {@code eol} as the handlers read it: ASCII, without its LF and one CR before it. */
    private static String lineText(byte[] s, int eol) {
        return lineText(s, eol, 0);
    }

    private static String lineText(byte[] s, int eol, int from) {
        int n = eol - from;
        if (n > 0 && s[from + n - 1] == '\r') {
            n--;
        }
        return new String(s, from, n, StandardCharsets.US_ASCII);
    }

    private static int indexOf(byte[] s, byte b, int from) {
        for (int i = from; i < s.length; i++) {
            if (s[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static byte[] range(int first, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (first + i);
        }
        return b;
    }
}
