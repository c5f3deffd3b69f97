/**
 * The client's local SOCKS5h listener (RFC 1928): every CONNECT becomes one SSH {@code direct-tcpip} channel
 * (RFC 4254 §7.2) on the current session, with names passed to the server unresolved.
 *
 * <p>Pipeline of an accepted connection, in order of the stages:
 * {@link dev.alknet.client.socks.HandshakeTimeoutHandler} →
 * {@link dev.alknet.client.socks.SocksVersionSniffer} →
 * {@link dev.alknet.client.socks.Socks5HandshakeHandler} (method negotiation) →
 * {@link dev.alknet.client.socks.Socks5ConnectHandler} (request, channel open, reply) →
 * {@link dev.alknet.client.socks.SshChannelRelay} with {@link dev.alknet.client.socks.SshToNettyPump} (bytes).
 * All per-connection state is confined to the connection's event loop; MINA callbacks hop onto it.
 */
package dev.alknet.client.socks;
