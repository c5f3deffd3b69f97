/**
 * TCP forwarding on MINA's session, in alknet's types (docs/adr/0021): the server's rules
 * ({@link dev.alknet.core.forward.ForwardingRules}) and its side of {@code tcpip-forward}
 * ({@link dev.alknet.core.forward.TcpipForwardRequests}, {@link dev.alknet.core.forward.RemoteListen}); the client's
 * side ({@link dev.alknet.core.forward.RemoteForwarding}, {@link dev.alknet.core.forward.ForwardedTcpipChannels}).
 * Every forwarded byte goes through the shared relay of {@code dev.alknet.core.channel}.
 */
package dev.alknet.core.forward;
