package org.p2pnet.api;

import java.util.Map;

/**
 * A snapshot of the node's state and counters, as {@code p2p:status} shows it.
 *
 * @param identity         who this node is
 * @param listening        the bound listen address, or null when not listening
 * @param acceptInbound    whether inbound channels are accepted
 * @param transport        name of the active channel transport, or null when none is present
 * @param inboundChannels  open inbound channels
 * @param outboundChannels open outbound channels
 * @param knownPeers       entries in the known-peers list
 * @param packetsIn        packets received on all channels
 * @param packetsOut       packets sent on all channels
 * @param rejections       rejected inputs by reason (malformed frames, handshake failures, refusals …)
 * @param rejectedConfigurations configuration updates refused for an invalid value (the previous one stayed)
 * @param listenProblem    why the transport does not listen where configured (e.g. its port is taken)
 *                         and when it is tried next; null once it does, or without a transport. With
 *                         {@code listening} set as well, a move to new settings failed and the node
 *                         still listens on its previous address (since 1.5)
 */
public record NodeStatus(NodeIdentity identity, PeerAddress listening, boolean acceptInbound, String transport,
                         int inboundChannels, int outboundChannels, int knownPeers,
                         long packetsIn, long packetsOut, Map<DisconnectReason, Long> rejections,
                         long rejectedConfigurations, String listenProblem) {
    public NodeStatus {
        rejections = Map.copyOf(rejections);
    }

    /** A status without a listen problem (the constructor of API 1.4 and earlier). */
    public NodeStatus(NodeIdentity identity, PeerAddress listening, boolean acceptInbound, String transport,
                      int inboundChannels, int outboundChannels, int knownPeers,
                      long packetsIn, long packetsOut, Map<DisconnectReason, Long> rejections,
                      long rejectedConfigurations) {
        this(identity, listening, acceptInbound, transport, inboundChannels, outboundChannels, knownPeers, packetsIn,
                packetsOut, rejections, rejectedConfigurations, null);
    }
}
