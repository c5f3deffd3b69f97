// HoldStreams: many SOCKS5 streams held open at once, each carrying checksummed traffic, on one thread.
//
//   java bench/HoldStreams.java --socks 127.0.0.1:1080 [--streams 5000] [--seconds 60] [--opening 32]
//                               [--every-ms 1000] [--chunk 64] [--target HOST:PORT]
//
// Without --target it starts its own echo server on loopback (NIO, same thread) and asks the proxy for
// 127.0.0.1:<its port>. Every stream sends --chunk random bytes every --every-ms until --seconds have passed
// since the last stream was established, then waits for its echo, compares CRC32 of what it sent and what
// came back, and closes. At most --opening handshakes are under way at once (the ramp).
// Prints one JSON line: {"streams":N,"established":..,"verified":..,"mismatched":..,"failed":..,
// "peakOpen":..,"rampMillis":..,"bytes":..}. Exit code 0 only if every stream was verified.
// Needs only a JDK (17+); no build step.
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.CRC32;

public class HoldStreams {

    enum State { CONNECTING, REPLY, OPEN, DRAINING, DONE, FAILED }

    static final class Stream {
        final SocketChannel ch;
        State state = State.CONNECTING;
        final ByteBuffer reply = ByteBuffer.allocate(12);
        final CRC32 sent = new CRC32();
        final CRC32 received = new CRC32();
        long sentBytes;
        long receivedBytes;
        ByteBuffer pending;
        long nextSend;

        Stream(SocketChannel ch) {
            this.ch = ch;
        }
    }

    /** Echo side of one accepted connection: what is still to be written back. */
    static final class Echo {
        final ArrayDeque<ByteBuffer> out = new ArrayDeque<>();
        boolean inputDone;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            o.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        if (!o.containsKey("socks")) {
            System.err.println("usage: java HoldStreams.java --socks HOST:PORT [--streams N] [--seconds S] "
                    + "[--opening N] [--every-ms MS] [--chunk BYTES] [--target HOST:PORT]");
            System.exit(2);
        }
        InetSocketAddress socks = addr(o.get("socks"));
        int streams = Integer.parseInt(o.getOrDefault("streams", "5000"));
        long holdMillis = Long.parseLong(o.getOrDefault("seconds", "60")) * 1000;
        int opening = Integer.parseInt(o.getOrDefault("opening", "32"));
        long everyMs = Long.parseLong(o.getOrDefault("every-ms", "1000"));
        int chunk = Integer.parseInt(o.getOrDefault("chunk", "64"));

        Selector sel = Selector.open();
        InetSocketAddress target;
        ServerSocketChannel echo = null;
        if (o.containsKey("target")) {
            target = addr(o.get("target"));
        } else {
            echo = ServerSocketChannel.open();
            echo.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
            echo.configureBlocking(false);
            echo.register(sel, SelectionKey.OP_ACCEPT);
            target = (InetSocketAddress) echo.getLocalAddress();
        }
        byte[] request = request(target);
        SplittableRandom random = new SplittableRandom(7);
        List<Stream> all = new ArrayList<>(streams);
        int started = 0;
        int handshaking = 0;
        int established = 0;
        int failed = 0;
        int open = 0;
        int peakOpen = 0;
        long begin = System.currentTimeMillis();
        long rampDone = -1;
        long stopSending = Long.MAX_VALUE;
        long giveUp = begin + holdMillis + 120_000 + streams * 20L;
        ByteBuffer readBuf = ByteBuffer.allocate(64 * 1024);
        byte[] payload = new byte[chunk];

        while (true) {
            long now = System.currentTimeMillis();
            while (started < streams && handshaking < opening) {
                SocketChannel ch = SocketChannel.open();
                ch.configureBlocking(false);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                Stream s = new Stream(ch);
                all.add(s);
                ch.connect(socks);
                ch.register(sel, SelectionKey.OP_CONNECT, s);
                started++;
                handshaking++;
            }
            if (rampDone < 0 && established + failed == streams) {
                rampDone = now;
                stopSending = now + holdMillis;
            }
            int live = 0;
            for (Stream s : all) {
                if (s.state == State.OPEN || s.state == State.DRAINING) {
                    live++;
                }
                if (s.state == State.OPEN && now >= stopSending) {
                    s.state = State.DRAINING;
                }
                if (s.state == State.OPEN && now >= s.nextSend && s.pending == null) {
                    random.nextBytes(payload);
                    s.sent.update(payload);
                    s.sentBytes += payload.length;
                    s.pending = ByteBuffer.wrap(payload.clone());
                    s.nextSend = now + everyMs;
                    flush(s, sel);
                }
                if (s.state == State.DRAINING && s.pending == null && s.receivedBytes >= s.sentBytes) {
                    s.state = State.DONE;
                    s.ch.close();
                }
            }
            open = live;
            peakOpen = Math.max(peakOpen, open);
            boolean finished = started == streams && all.stream().allMatch(
                    s -> s.state == State.DONE || s.state == State.FAILED);
            if (finished || now > giveUp) {
                break;
            }
            sel.select(50);
            Iterator<SelectionKey> it = sel.selectedKeys().iterator();
            while (it.hasNext()) {
                SelectionKey k = it.next();
                it.remove();
                if (!k.isValid()) {
                    continue;
                }
                try {
                    if (k.isAcceptable()) {
                        SocketChannel c = ((ServerSocketChannel) k.channel()).accept();
                        if (c != null) {
                            c.configureBlocking(false);
                            c.register(sel, SelectionKey.OP_READ, new Echo());
                        }
                        continue;
                    }
                    if (k.attachment() instanceof Echo e) {
                        echo(k, e, readBuf);
                        continue;
                    }
                    Stream s = (Stream) k.attachment();
                    if (k.isConnectable()) {
                        s.ch.finishConnect();
                        s.ch.write(ByteBuffer.wrap(request));
                        s.state = State.REPLY;
                        k.interestOps(SelectionKey.OP_READ);
                    }
                    if (k.isWritable()) {
                        flush(s, sel);
                    }
                    if (k.isReadable()) {
                        if (s.state == State.REPLY) {
                            if (s.ch.read(s.reply) < 0) {
                                throw new IOException("closed during the handshake");
                            }
                            if (!s.reply.hasRemaining()) {
                                byte[] r = s.reply.array();
                                if (r[0] != 5 || r[1] != 0 || r[2] != 5 || r[3] != 0) {
                                    throw new IOException("SOCKS reply " + (r[3] & 0xff));
                                }
                                s.state = State.OPEN;
                                s.nextSend = System.currentTimeMillis() + random.nextLong(Math.max(1, everyMs));
                                handshaking--;
                                established++;
                            }
                        } else {
                            readBuf.clear();
                            int n = s.ch.read(readBuf);
                            if (n < 0) {
                                throw new IOException("closed by the proxy");
                            }
                            s.received.update(readBuf.array(), 0, n);
                            s.receivedBytes += n;
                        }
                    }
                } catch (IOException ex) {
                    if (k.attachment() instanceof Stream s) {
                        if (s.state == State.CONNECTING || s.state == State.REPLY) {
                            handshaking--;
                        }
                        s.state = State.FAILED;
                        failed++;
                        if (failed <= 5) {
                            System.err.println("stream failed: " + ex.getMessage());
                        }
                    }
                    k.channel().close();
                }
            }
        }
        int verified = 0;
        int mismatched = 0;
        long bytes = 0;
        for (Stream s : all) {
            if (s.state == State.DONE) {
                if (s.sent.getValue() == s.received.getValue() && s.sentBytes == s.receivedBytes) {
                    verified++;
                } else {
                    mismatched++;
                }
                bytes += s.sentBytes;
            } else if (s.state != State.FAILED) {
                failed++; // timed out
                s.ch.close();
            }
        }
        if (echo != null) {
            echo.close();
        }
        System.out.printf("{\"streams\":%d,\"established\":%d,\"verified\":%d,\"mismatched\":%d,\"failed\":%d,"
                + "\"peakOpen\":%d,\"rampMillis\":%d,\"bytes\":%d}%n", streams, established, verified, mismatched,
                failed, peakOpen, rampDone < 0 ? -1 : rampDone - begin, bytes);
        System.exit(verified == streams ? 0 : 1);
    }

    private static void flush(Stream s, Selector sel) throws IOException {
        if (s.pending != null) {
            s.ch.write(s.pending);
            if (!s.pending.hasRemaining()) {
                s.pending = null;
            }
        }
        SelectionKey k = s.ch.keyFor(sel);
        k.interestOps(s.pending == null ? SelectionKey.OP_READ : SelectionKey.OP_READ | SelectionKey.OP_WRITE);
    }

    private static void echo(SelectionKey k, Echo e, ByteBuffer readBuf) throws IOException {
        SocketChannel c = (SocketChannel) k.channel();
        if (k.isReadable()) {
            readBuf.clear();
            int n = c.read(readBuf);
            if (n < 0) {
                e.inputDone = true;
            } else if (n > 0) {
                readBuf.flip();
                ByteBuffer copy = ByteBuffer.allocate(n);
                copy.put(readBuf).flip();
                e.out.add(copy);
            }
        }
        while (!e.out.isEmpty()) {
            c.write(e.out.peek());
            if (e.out.peek().hasRemaining()) {
                break;
            }
            e.out.poll();
        }
        if (e.inputDone && e.out.isEmpty()) {
            c.close();
            return;
        }
        k.interestOps((e.inputDone ? 0 : SelectionKey.OP_READ) | (e.out.isEmpty() ? 0 : SelectionKey.OP_WRITE));
    }

    private static byte[] request(InetSocketAddress target) {
        byte[] ip = target.getAddress().getAddress();
        ByteBuffer b = ByteBuffer.allocate(3 + 4 + ip.length + 2);
        b.put(new byte[] {5, 1, 0}); // greeting: no authentication
        b.put(new byte[] {5, 1, 0, (byte) (ip.length == 4 ? 1 : 4)}).put(ip).putShort((short) target.getPort());
        return b.array();
    }

    private static InetSocketAddress addr(String hostPort) {
        int i = hostPort.lastIndexOf(':');
        return new InetSocketAddress(hostPort.substring(0, i), Integer.parseInt(hostPort.substring(i + 1)));
    }
}
