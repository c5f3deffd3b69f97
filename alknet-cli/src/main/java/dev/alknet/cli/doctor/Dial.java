package dev.alknet.cli.doctor;

import dev.alknet.client.ClientOptions;

/** How one dial of {@link ReachabilityCheck} ended: reached (SSH session up) or the connect error. */
public record Dial(ClientOptions options, boolean reached, String error, long millis) {

    public String scheme() {
        return options.server().scheme();
    }

    public String host() {
        return options.server().host();
    }

    public String hostPort() {
        return options.server().host() + ":" + options.server().port();
    }

    /** Whether the stream runs over TCP (everything but quic). */
    public boolean overTcp() {
        return !"quic".equals(scheme());
    }
}
