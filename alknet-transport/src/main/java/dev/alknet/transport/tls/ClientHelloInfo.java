package dev.alknet.transport.tls;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The server name (SNI) and the offered ALPN protocols of a ClientHello, read from its body (from client_version
 * on, as netty's {@code SslClientHelloHandler} passes it). Malformed input gives what was read before the fault.
 */
record ClientHelloInfo(String serverName, List<String> alpn) {

    static final ClientHelloInfo NONE = new ClientHelloInfo(null, List.of());

    private static final int SERVER_NAME = 0;
    private static final int ALPN = 16;

    static ClientHelloInfo parse(ByteBuf hello) {
        if (hello == null) {
            return NONE;
        }
        String sni = null;
        List<String> protocols = new ArrayList<>();
        int end = hello.writerIndex();
        int i = hello.readerIndex() + 34; // client_version + random
        try {
            i += 1 + hello.getUnsignedByte(i); // session id
            i += 2 + hello.getUnsignedShort(i); // cipher suites
            i += 1 + hello.getUnsignedByte(i); // compression methods
            int extEnd = Math.min(end, i + 2 + hello.getUnsignedShort(i));
            i += 2;
            while (i + 4 <= extEnd) {
                int type = hello.getUnsignedShort(i);
                int len = hello.getUnsignedShort(i + 2);
                int body = i + 4;
                if (body + len > extEnd) {
                    break;
                }
                if (type == SERVER_NAME && len >= 5 && hello.getUnsignedByte(body + 2) == 0) {
                    int nameLen = hello.getUnsignedShort(body + 3);
                    if (body + 5 + nameLen <= body + len) {
                        sni = hello.toString(body + 5, nameLen, StandardCharsets.US_ASCII);
                    }
                } else if (type == ALPN && len >= 2) {
                    int j = body + 2;
                    int listEnd = Math.min(body + len, j + hello.getUnsignedShort(body));
                    while (j < listEnd) {
                        int n = hello.getUnsignedByte(j);
                        if (j + 1 + n > listEnd) {
                            break;
                        }
                        protocols.add(hello.toString(j + 1, n, StandardCharsets.US_ASCII));
                        j += 1 + n;
                    }
                }
                i = body + len;
            }
        } catch (IndexOutOfBoundsException e) {
            // truncated: keep what was read
        }
        return new ClientHelloInfo(sni, List.copyOf(protocols));
    }
}
