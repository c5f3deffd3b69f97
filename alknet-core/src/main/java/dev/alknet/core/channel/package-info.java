/**
 * The data path of one SSH channel, shared by the client's SOCKS relay and the server's destination relay:
 * {@link dev.alknet.core.channel.ChannelDataWriter} (bytes into the channel, several packets in flight),
 * {@link dev.alknet.core.channel.ReceiveWindow} (credit in batches, window grown toward the bandwidth-delay product
 * within a {@link dev.alknet.core.channel.WindowBudget}) and
 * {@link dev.alknet.core.channel.BatchedOutbound} (bytes out of the channel into a Netty socket), tuned by
 * {@link dev.alknet.core.channel.RelayTuning}. See docs/performance.md.
 */
package dev.alknet.core.channel;
