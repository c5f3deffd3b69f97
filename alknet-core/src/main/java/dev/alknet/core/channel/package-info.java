/**
 * The data path of one SSH channel, shared by the client's SOCKS relay and the server's destination relay:
 * {@link dev.alknet.core.channel.ChannelDataWriter} (bytes into the channel, several packets in flight),
 * {@link dev.alknet.core.channel.WindowReleaser} (window credit in batches) and
 * {@link dev.alknet.core.channel.BatchedOutbound} (bytes out of the channel into a Netty socket), tuned by
 * {@link dev.alknet.core.channel.RelayTuning}. See docs/performance.md.
 */
package dev.alknet.core.channel;
