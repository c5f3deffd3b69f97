package dev.alknet.client.socks;

import java.io.IOException;
import java.net.Socket;
import java.util.Collections;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.client.future.DefaultOpenFuture;
import org.apache.sshd.client.future.OpenFuture;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.ChannelAsyncOutputStream;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.channel.exception.SshChannelOpenException;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.apache.sshd.server.channel.AbstractServerChannel;

/**
 * A test-only {@code direct-tcpip} server channel with real half-close: the target's FIN becomes an SSH EOF
 * while the channel stays open for the client's remaining bytes (as OpenSSH and alknet-server do). Stock
 * MINA closes the whole channel when the target's socket reaches EOF, so it cannot exercise that path.
 * Blocking sockets and one thread per channel: fine for small test transfers only.
 *
 * <p>Host {@value #SLOW_OPEN_HOST} connects to 127.0.0.1 after {@value #SLOW_OPEN_MILLIS} ms, to test
 * open timeouts and late confirmations.
 */
final class HalfCloseTcpipChannel extends AbstractServerChannel {

    static final String SLOW_OPEN_HOST = "slow-open.test";
    static final long SLOW_OPEN_MILLIS = 1500;

    static final ChannelFactory FACTORY = new ChannelFactory() {
        @Override
        public String getName() {
            return "direct-tcpip";
        }

        @Override
        public org.apache.sshd.common.channel.Channel createChannel(Session session) {
            return new HalfCloseTcpipChannel();
        }
    };

    private volatile Socket socket;
    private ChannelAsyncOutputStream out;

    private HalfCloseTcpipChannel() {
        super("", Collections.emptyList(), null);
    }

    @Override
    protected OpenFuture doInit(Buffer buffer) {
        String host = buffer.getString();
        int port = buffer.getInt();
        OpenFuture opened = new DefaultOpenFuture(this, this);
        out = new ChannelAsyncOutputStream(this, SshConstants.SSH_MSG_CHANNEL_DATA);
        addCloseFutureListener(f -> closeSocket());
        Thread t = new Thread(() -> run(host, port, opened), "half-close-tcpip");
        t.setDaemon(true);
        t.start();
        return opened;
    }

    private void run(String host, int port, OpenFuture opened) {
        try {
            if (SLOW_OPEN_HOST.equals(host)) {
                Thread.sleep(SLOW_OPEN_MILLIS); // pacing is the point: a slow target, for the tests of a pending open
                host = "127.0.0.1";
            }
            socket = new Socket(host, port);
        } catch (IOException | InterruptedException e) {
            signalChannelOpenFailure(e);
            opened.setException(new SshChannelOpenException(getChannelId(), SshConstants.SSH_OPEN_CONNECT_FAILED,
                    "connect failed: " + e.getMessage(), e));
            close(true);
            return;
        }
        // The confirmation goes out from this signal (AbstractConnectionService), not from the future.
        signalChannelOpenSuccess();
        opened.setOpened();
        try {
            byte[] b = new byte[32 * 1024];
            for (int n; (n = socket.getInputStream().read(b)) >= 0;) {
                out.writeBuffer(new ByteArrayBuffer(b, 0, n)).verify(10, TimeUnit.SECONDS);
            }
            sendEof();
            closeIfBothEnded();
        } catch (IOException e) {
            close(true);
        }
    }

    @Override
    protected void doWriteData(byte[] data, int off, long len) throws IOException {
        socket.getOutputStream().write(data, off, (int) len); // blocks the session thread: small data only
        getLocalWindow().release(len);
    }

    @Override
    protected void doWriteExtendedData(byte[] data, int off, long len) {
        throw new UnsupportedOperationException("direct-tcpip has no extended data");
    }

    @Override
    public void handleEof() throws IOException {
        super.handleEof();
        socket.shutdownOutput();
        closeIfBothEnded();
    }

    @Override
    public void handleWindowAdjust(Buffer buffer) throws IOException {
        super.handleWindowAdjust(buffer);
        if (out != null) {
            out.onWindowExpanded();
        }
    }

    private void closeIfBothEnded() {
        if (isEofSignalled() && isEofSent()) {
            close(false);
        }
    }

    private void closeSocket() {
        Socket s = socket;
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
