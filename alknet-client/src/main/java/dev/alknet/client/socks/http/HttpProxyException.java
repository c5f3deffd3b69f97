package dev.alknet.client.socks.http;

/** A request the proxy answers with an HTTP error status and closes. */
public final class HttpProxyException extends Exception {

    private static final long serialVersionUID = 1L;

    private final int status;

    public HttpProxyException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
