package dev.alknet.it;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A hand-rolled SOCKS5 client for asserting exact reply codes. */
final class Socks5Probe implements AutoCloseable {

    final Socket socket;
    final DataInputStream in;
    final OutputStream out;

    Socks5Probe(int socksPort) throws IOException {
        socket = new Socket("127.0.0.1", socksPort);
        socket.setSoTimeout(40_000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /** Greets with no-auth and sends CONNECT to a domain; returns the REP byte. */
    int connectDomain(String host, int port) throws IOException {
        byte[] name = host.getBytes(StandardCharsets.US_ASCII);
        byte[] req = new byte[3 + 4 + 1 + name.length + 2];
        int i = 0;
        req[i++] = 5; req[i++] = 1; req[i++] = 0;
        req[i++] = 5; req[i++] = 1; req[i++] = 0; req[i++] = 3; req[i++] = (byte) name.length;
        System.arraycopy(name, 0, req, i, name.length);
        i += name.length;
        req[i++] = (byte) (port >> 8);
        req[i] = (byte) port;
        out.write(req);
        out.flush();
        return readReply();
    }

    int readReply() throws IOException {
        int v = in.read();
        int m = in.read();
        if (v != 5 || m != 0) {
            throw new IOException("bad method reply " + v + "," + m);
        }
        int ver = in.read();
        int rep = in.read();
        if (ver != 5) {
            throw new IOException("bad reply version " + ver);
        }
        in.read();
        int atyp = in.read();
        int len = atyp == 1 ? 4 : atyp == 4 ? 16 : in.read();
        in.readFully(new byte[len + 2]);
        return rep;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
