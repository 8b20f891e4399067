package org.p2pnet.jmx.internal;

import java.util.Map;

/** {@code org.p2pnet:type=Node}: who this node is and its counters, as {@code p2p:status} shows them. */
@Description("p2pnet node: identity, listener, channel counts, trust state, packet and byte totals, drops by reason"
        + " (what p2p:status shows)")
public interface NodeMXBean {

    @Description("True while the core's PeerNetwork service (bundle org.p2pnet.core) is there; every other"
            + " attribute fails with a message saying so while it is not")
    boolean isCoreAvailable();

    @Description("This node's peer id: hex SHA-256 of its public key (64 digits)")
    String getPeerId();

    @Description("The first 12 digits of the peer id, as tables and logs show it")
    String getShortId();

    @Description("The network this node belongs to (PID org.p2pnet.core, networkName)")
    String getNetwork();

    @Description("This software's name and version, as sent in IDENTITY")
    String getAgent();

    @Description("The wire protocol version")
    int getProtocolVersion();

    @Description("The bound listen address (host:port), or the empty string when not listening")
    String getListeningAddress();

    @Description("The active channel transport's name (tcp), or the empty string when none is running")
    String getTransport();

    @Description("Whether inbound channels are accepted (PID org.p2pnet.core, acceptInbound)")
    boolean isAcceptInbound();

    @Description("When the core's PeerNetwork service appeared to this bundle (ISO-8601 UTC): the node's start"
            + " when both start together, as they do in the features")
    String getStartedAt();

    @Description("Seconds since StartedAt")
    long getUptimeSeconds();

    @Description("Open inbound channels")
    int getInboundChannels();

    @Description("Open outbound channels")
    int getOutboundChannels();

    @Description("Entries in the known-peers list")
    int getKnownPeers();

    @Description("Packets received on all channels since the core started (handshake IDENTITY included)")
    long getPacketsIn();

    @Description("Packets sent on all channels since the core started (handshake IDENTITY included)")
    long getPacketsOut();

    @Description("Bytes received (frames with their headers) on all channels since StartedAt: the open channels'"
            + " counts plus the last counts of those closed since")
    long getBytesIn();

    @Description("Bytes sent (frames with their headers) on all channels since StartedAt: the open channels'"
            + " counts plus the last counts of those closed since")
    long getBytesOut();

    @Description("Rejected inputs and refused channels since the core started, by reason (malformed frames,"
            + " handshake failures, refusals, duplicates ...): DisconnectReason name -> count")
    Map<String, Long> getDropsByReason();

    @Description("The sum of DropsByReason")
    long getDropsTotal();

    @Description("Configuration updates refused for an invalid value (the previous value stayed)")
    long getRejectedConfigurations();

    @Description("The inbound policy in force (class and bundle), or the empty string when none is installed")
    String getTrustPolicy();

    @Description("The trust protocol in force, or the empty string when none is installed")
    String getTrustProtocol();

    @Description("True while no inbound policy is installed: no channel gets above DEFAULT, inbound peers are"
            + " held or refused")
    boolean isFailClosed();

    @Description("Packets dropped since the core started because their channel's trust level was too low")
    long getDroppedUntrusted();

    @Description("Channels closed with NOT_TRUSTED for sending too many packets above their level")
    long getClosedUntrusted();

    @Description("Inbound peers waiting for a decision (p2p:inbound)")
    int getInboundQueued();
}
