package org.p2pnet.jmx.internal;

import java.util.Map;

/** {@code org.p2pnet:type=GenesisServer}: the genesis server of a genesis node. */
@Description("p2pnet genesis server (a genesis node's HTTP peer service): registrations, request and rejection"
        + " counters; registered while the GenesisServer service (bundle org.p2pnet.genesis) is there")
public interface GenesisServerMXBean {

    @Description("TRUSTLESS or AUTHORITY: how it answers")
    String getMode();

    @Description("The id of the key that signs answers in authority mode (the node's peer id)")
    String getAuthorityKeyId();

    @Description("The network it serves")
    String getNetwork();

    @Description("Live registrations")
    int getRegistrations();

    @Description("Requests served per second, over the last minute")
    double getRequestsPerSecond();

    @Description("Requests served since start, by endpoint and status (e.g. 'POST /peers 200')")
    Map<String, Long> getRequests();

    @Description("Requests refused since start, by error code (e.g. bad_signature, rate_limited)")
    Map<String, Long> getRejections();
}
