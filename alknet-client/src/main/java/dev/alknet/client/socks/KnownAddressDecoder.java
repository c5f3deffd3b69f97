package dev.alknet.client.socks;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.socksx.v5.Socks5AddressDecoder;
import io.netty.handler.codec.socksx.v5.Socks5AddressType;

/**
 * Netty's address decoding, except that an unknown ATYP fails with its own exception type, so the connect
 * stage can tell it apart from other malformed requests and answer 0x08 (address type not supported).
 */
final class KnownAddressDecoder implements Socks5AddressDecoder {

    static final KnownAddressDecoder INSTANCE = new KnownAddressDecoder();

    private KnownAddressDecoder() {
    }

    @Override
    public String decodeAddress(Socks5AddressType type, ByteBuf in) throws Exception {
        if (!Socks5AddressType.IPv4.equals(type) && !Socks5AddressType.DOMAIN.equals(type)
                && !Socks5AddressType.IPv6.equals(type)) {
            throw new UnsupportedAddressTypeException(type);
        }
        return Socks5AddressDecoder.DEFAULT.decodeAddress(type, in);
    }

    /** ATYP other than 0x01, 0x03, 0x04. Extends DecoderException so the codec keeps it as the cause. */
    static final class UnsupportedAddressTypeException extends DecoderException {
        private static final long serialVersionUID = 1L;

        UnsupportedAddressTypeException(Socks5AddressType type) {
            super("unsupported address type: " + (type.byteValue() & 0xFF) + " (expected: 1, 3 or 4)");
        }
    }
}
