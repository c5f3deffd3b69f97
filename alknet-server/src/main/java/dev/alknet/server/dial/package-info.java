/**
 * The server's {@code direct-tcpip} channel (RFC 4254 §7.2): dial the destination asynchronously, confirm the channel
 * only once the TCP connection stands, then relay with end-to-end backpressure and half-close.
 *
 * <p>Entry points: {@link dev.alknet.server.dial.DirectTcpipChannelFactory} (install it with
 * {@code SshServer.setChannelFactories}) and the {@link dev.alknet.server.dial.Dialer} SPI with its direct
 * implementation {@link dev.alknet.server.dial.DirectDialer}. Whether a destination may be reached at all is decided
 * once, by {@link dev.alknet.server.dial.DestinationDecision}.
 */
package dev.alknet.server.dial;
