package org.p2pnet.jmx.internal;

import java.util.List;
import java.util.Map;

/** {@code org.p2pnet:type=Discovery}: LAN discovery (what {@code p2p:discovery} shows). */
@Description("p2pnet LAN discovery (signed UDP broadcast and multicast, what p2p:discovery shows); registered while"
        + " the LanDiscovery service (bundle org.p2pnet.discovery.lan) is there")
public interface DiscoveryMXBean {

    @Description("Whether it is announcing and listening")
    boolean isRunning();

    @Description("The interfaces in use, primary first")
    List<String> getInterfaces();

    @Description("The designated UDP ports listened on")
    List<Integer> getPorts();

    @Description("The port announcements go to now (rotated by RotateBroadcastPort)")
    int getBroadcasterPort();

    @Description("The multicast groups joined, address:port")
    List<String> getGroups();

    @Description("The current announcement interval in milliseconds (sine wave, jitter, throttle)")
    long getIntervalMillis();

    @Description("Announcements sent since start")
    long getSent();

    @Description("Datagrams received since start")
    long getReceived();

    @Description("Valid announcements offered to the core since start")
    long getOffered();

    @Description("Datagrams dropped since start, by reason")
    Map<String, Long> getDrops();

    @Description("The sum of Drops")
    long getDropsTotal();
}
