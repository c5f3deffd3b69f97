/**
 * The client's local proxy listener: SOCKS5h (RFC 1928, RFC 1929 user/pass), SOCKS4/4a ({@code v4}) and HTTP
 * proxy requests ({@code http}) on one port; every CONNECT becomes one SSH {@code direct-tcpip} channel
 * (RFC 4254 §7.2) on the current session, with names passed to the server unresolved. UDP ASSOCIATE becomes one
 * {@code udp@alknet.dev} channel ({@code udp}, docs/adr/0008-udp-over-ssh-channel.md).
 *
 * <p>Pipeline of an accepted SOCKS5 connection, in order of the stages:
 * {@link dev.alknet.client.socks.HandshakeTimeoutHandler} →
 * {@link dev.alknet.client.socks.SocksVersionSniffer} (installs the dialect) →
 * {@link dev.alknet.client.socks.Socks5HandshakeHandler} (method negotiation) →
 * [{@link dev.alknet.client.socks.Socks5PasswordAuthHandler}] →
 * {@link dev.alknet.client.socks.Socks5ConnectHandler} (request; or
 * {@link dev.alknet.client.socks.udp.UdpAssociateHandler}) →
 * {@link dev.alknet.client.socks.ConnectStage} (channel open, then the dialect's reply) →
 * {@link dev.alknet.core.channel.ChannelRelay} (bytes, both directions; the same halves as the server's dialed channels).
 * SOCKS4 and HTTP go through their own request handler to the same connect stage and relay. All per-connection state is confined to the connection's event loop; MINA callbacks hop onto it.
 */
package dev.alknet.client.socks;
