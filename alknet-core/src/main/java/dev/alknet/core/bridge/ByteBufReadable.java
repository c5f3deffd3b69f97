package dev.alknet.core.bridge;

import io.netty.buffer.ByteBuf;
import org.apache.sshd.common.util.Readable;

/** Lets MINA copy straight out of a Netty buffer into its decoder buffer, without an extra array. */
final class ByteBufReadable implements Readable {

    private final ByteBuf buf;

    ByteBufReadable(ByteBuf buf) {
        this.buf = buf;
    }

    @Override
    public int available() {
        return buf.readableBytes();
    }

    @Override
    public void getRawBytes(byte[] data, int offset, int len) {
        buf.readBytes(data, offset, len);
    }
}
