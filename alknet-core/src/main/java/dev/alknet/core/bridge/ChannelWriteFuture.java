package dev.alknet.core.bridge;

import org.apache.sshd.common.io.AbstractIoWriteFuture;

/** MINA's write future, completed from a Netty write promise. */
final class ChannelWriteFuture extends AbstractIoWriteFuture {

    ChannelWriteFuture(Object id) {
        super(id, null);
    }

    void complete(Throwable failure) {
        setValue(failure == null ? Boolean.TRUE : failure);
    }
}
