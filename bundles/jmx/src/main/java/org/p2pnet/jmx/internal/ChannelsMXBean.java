package org.p2pnet.jmx.internal;

import java.util.List;

/**
 * {@code org.p2pnet:type=Channels}: every open channel as one row (what {@code p2p:channels} shows).
 * One MBean with a table rather than an MBean per channel: channels come and go by the second under
 * churn, and a table reads all of them at one moment.
 */
@Description("p2pnet open channels: one row per channel (peer, direction, addresses, trust level, packets and"
        + " bytes in/out, opened at, last activity), what p2p:channels shows")
public interface ChannelsMXBean {

    @Description("Open channels")
    int getCount();

    @Description("One row per open channel, sorted by peer id: channelId, peerId, shortId, direction,"
            + " remoteAddress, listenAddress, trustLevel, trustPending, untrustedDrops, packetsIn, packetsOut,"
            + " bytesIn, bytesOut (frames with headers), openedAt, lastActivity (ISO-8601 UTC), idleSeconds")
    List<ChannelRow> getChannels();
}
