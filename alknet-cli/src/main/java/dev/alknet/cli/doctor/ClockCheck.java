package dev.alknet.cli.doctor;

import dev.alknet.core.config.ServerAddress;
import dev.alknet.transport.Transport;
import dev.alknet.transport.stealth.StrictVerifier;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Clock skew against a {@code --stealth=strict} server, which refuses proofs whose time stamp is more than
 * {@link StrictVerifier#WINDOW} away from its clock. No new protocol: one stream is dialled as the client would
 * (same transport, TLS settings and SNI) but without the proof, and a plain {@code GET /} is sent; a strict server
 * answers that as the web server it poses as, with an HTTP {@code Date} header. The skew is that date against the
 * middle of our send and receive times (1 s resolution).
 */
public final class ClockCheck implements Check {

    /** Past this the check warns: a drift this large is on its way to the window. */
    static final long WARN_SECONDS = 30;
    private static final int MAX_HEAD = 16 * 1024;

    private final ServerAddress server;
    /** The server's transport without the strict proof. */
    private final Transport plain;
    private final String hostHeader;
    private final Duration timeout;

    public ClockCheck(ServerAddress server, Transport plain, String hostHeader, Duration timeout) {
        this.server = server;
        this.plain = plain;
        this.hostHeader = hostHeader;
        this.timeout = timeout;
    }

    @Override
    public String name() {
        return "clock";
    }

    @Override
    public List<Verdict> run() {
        long sent = System.currentTimeMillis();
        String head;
        Channel stream = null;
        try {
            stream = plain.connect(server.endpoint()).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            sent = System.currentTimeMillis();
            head = request(stream).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            Throwable c = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null ? e.getCause() : e;
            return List.of(Verdict.skip(name(), server + ": no web answer to read the time from (" + c.getMessage()
                    + ")"));
        } finally {
            if (stream != null) {
                stream.close();
            }
        }
        return List.of(judge(server.toString(), dateHeader(head), sent, System.currentTimeMillis()));
    }

    /** Sends {@code GET /} and completes with the answer's head (up to the blank line, bounded). */
    private CompletableFuture<String> request(Channel stream) {
        CompletableFuture<String> head = new CompletableFuture<>();
        stream.eventLoop().execute(() -> {
            stream.pipeline().addLast("alknet-doctor-clock", new ChannelInboundHandlerAdapter() {
                private final StringBuilder got = new StringBuilder();

                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    try {
                        if (msg instanceof ByteBuf b && !head.isDone()) {
                            got.append(b.toString(StandardCharsets.ISO_8859_1));
                            int end = got.indexOf("\r\n\r\n");
                            if (end >= 0 || got.length() > MAX_HEAD) {
                                head.complete(got.substring(0, end >= 0 ? end : MAX_HEAD));
                            }
                        }
                    } finally {
                        ReferenceCountUtil.release(msg);
                    }
                }

                @Override
                public void channelInactive(ChannelHandlerContext ctx) {
                    head.complete(got.toString());
                }

                @Override
                public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                    head.completeExceptionally(cause);
                }
            });
            stream.writeAndFlush(Unpooled.copiedBuffer("GET / HTTP/1.1\r\nHost: " + hostHeader
                    + "\r\nAccept: */*\r\nConnection: close\r\n\r\n", StandardCharsets.US_ASCII));
            stream.config().setAutoRead(true);
        });
        return head;
    }

    /** The value of the {@code Date} header in an HTTP answer head, or null. */
    static String dateHeader(String head) {
        if (head == null || !head.startsWith("HTTP/")) {
            return null;
        }
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("date")) {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }

    /** The verdict for a server {@code Date} seen between {@code sentMillis} and {@code receivedMillis}. */
    static Verdict judge(String url, String date, long sentMillis, long receivedMillis) {
        if (date == null) {
            return Verdict.skip("clock", url + " sent no HTTP Date: its clock cannot be compared");
        }
        long server;
        try {
            // a Date names the second it is in: its middle is the best guess
            server = ZonedDateTime.parse(date, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli() + 500;
        } catch (DateTimeParseException e) {
            return Verdict.skip("clock", url + " sent an unreadable HTTP Date '" + date + "'");
        }
        long ours = sentMillis + (receivedMillis - sentMillis) / 2;
        long skew = Math.round((ours - server) / 1000.0);
        long window = StrictVerifier.WINDOW.toSeconds();
        String what = skew == 0 ? "agrees with " + url + "'s (within 1 s)"
                : Math.abs(skew) + " s " + (skew > 0 ? "ahead of " : "behind ") + url + "'s";
        String fix = "set the clock right (timedatectl set-ntp true, or chronyc makestep) on whichever side is wrong";
        if (Math.abs(skew) >= window) {
            return Verdict.fail("clock", "this clock is " + what + ": strict stealth proofs outside +-" + window
                    + " s are refused", fix);
        }
        if (Math.abs(skew) > WARN_SECONDS) {
            return Verdict.warn("clock", "this clock is " + what + " (strict stealth proofs allow +-" + window + " s)",
                    fix);
        }
        return Verdict.ok("clock", "this clock " + (skew == 0 ? what : "is " + what) + " (strict stealth allows +-"
                + window + " s)");
    }

    /** For servers without a stealth key: nothing depends on the clock. */
    public static Check none() {
        return new Check() {
            @Override
            public String name() {
                return "clock";
            }

            @Override
            public List<Verdict> run() {
                return List.of(Verdict.skip("clock", "no --stealth=strict server: nothing depends on the clock"));
            }
        };
    }
}
