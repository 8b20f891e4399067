package org.p2pnet.jmx.internal;

/** {@code org.p2pnet:type=Broadcasts}: network-wide broadcast counters. */
@Description("p2pnet network-wide broadcast counters since start (what p2p:broadcast-stats shows); registered while"
        + " the Broadcasts service (bundle org.p2pnet.handler.broadcast) is there")
public interface BroadcastsMXBean {

    @Description("Broadcasts this node started")
    long getOriginated();

    @Description("Broadcasts delivered here (first copies)")
    long getDelivered();

    @Description("Copies dropped as already seen")
    long getDuplicates();

    @Description("Copies sent on to other channels")
    long getRelayed();

    @Description("Broadcasts refused (too large, malformed, hop limit, untrusted channel)")
    long getRefused();
}
