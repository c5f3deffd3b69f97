/**
 * Channels and their data path, the same on both ends: {@link dev.alknet.core.channel.SocketToChannel} (socket
 * bytes into the channel, through {@link dev.alknet.core.channel.ChannelDataWriter}, several packets in flight) and
 * {@link dev.alknet.core.channel.ChannelToSocket} (channel bytes into the socket, through
 * {@link dev.alknet.core.channel.BatchedOutbound}), fed by a relayed channel's
 * {@link dev.alknet.core.channel.RelayInbox} ({@link dev.alknet.core.channel.ReceiveWindow}: credit in batches, window
 * grown toward the bandwidth-delay product within a {@link dev.alknet.core.channel.WindowBudget}), tuned by
 * {@link dev.alknet.core.channel.RelayTuning}. A channel opened here for an accepted socket (SOCKS, {@code -L}, the
 * server's {@code -R} connections) is relayed by {@link dev.alknet.core.channel.ChannelRelay}; one the peer opens to
 * reach a TCP destination is a {@link dev.alknet.core.channel.DialedChannel} with its
 * {@link dev.alknet.core.channel.Dial}. Every channel alknet opens goes through
 * {@link dev.alknet.core.channel.ChannelOpener}. See docs/architecture.md and
 * docs/performance.md.
 */
package dev.alknet.core.channel;
