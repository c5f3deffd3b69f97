package dev.alknet.client.embed;

import dev.alknet.core.channel.StreamDirectTcpip;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * One byte stream through the tunnel (an SSH {@code direct-tcpip} channel), used like a socket:
 * {@link #shutdownOutput()} sends end-of-stream to the destination and keeps reading possible; {@link #close()}
 * ends both.
 */
public final class AlknetStream implements AutoCloseable {

    private final StreamDirectTcpip channel;

    AlknetStream(StreamDirectTcpip channel) {
        this.channel = channel;
    }

    /** Bytes from the destination; -1 once it closed its side. */
    public InputStream input() {
        return channel.getInvertedOut();
    }

    /** Bytes to the destination; flush to send. */
    public OutputStream output() {
        return channel.getInvertedIn();
    }

    /** Flushes and sends end-of-stream (the destination reads EOF, as after a socket's shutdownOutput). */
    public void shutdownOutput() throws java.io.IOException {
        channel.getInvertedIn().flush();
        channel.eof();
    }

    public boolean isOpen() {
        return channel.isOpen();
    }

    @Override
    public void close() {
        channel.close(false);
    }
}
