/**
 * Channels and their data path, the same on both ends: {@link dev.alknet.core.channel.SocketToChannel} (socket
 * bytes into the channel, through {@link dev.alknet.core.channel.ChannelDataWriter}, several packets in flight) and
 * {@link dev.alknet.core.channel.ChannelToSocket} (channel bytes into the socket, through
 * {@link dev.alknet.core.channel.BatchedOutbound}), fed by a relayed channel's
 * {@link dev.alknet.core.channel.RelayInbox} ({@link dev.alknet.core.channel.ReceiveWindow}: credit in batches, window
 * grown toward the bandwidth-delay product within a {@link dev.alknet.core.channel.WindowBudget}), tuned by
 * {@link dev.alknet.core.channel.RelayTuning}. The client's relays are {@link dev.alknet.core.channel.ChannelRelay};
 * every client channel is opened by {@link dev.alknet.core.channel.ChannelOpener}. See docs/architecture.md and
 * docs/performance.md.
 */
package dev.alknet.core.channel;
