package org.p2pnet.api;

/**
 * Counters of one channel.
 *
 * @param packetsIn  packets received
 * @param packetsOut packets sent
 * @param bytesIn    bytes received (frames, including headers)
 * @param bytesOut   bytes sent (frames, including headers)
 */
public record ChannelStats(long packetsIn, long packetsOut, long bytesIn, long bytesOut) {
}
