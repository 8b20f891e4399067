package org.p2pnet.jmx.internal;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.HandlerInfo;
import org.p2pnet.api.NodeIdentity;
import org.p2pnet.api.NodeStatus;
import org.p2pnet.api.PacketTypeStats;
import org.p2pnet.api.PeerAddress;
import org.p2pnet.api.PeerChannel;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.TrustSummary;
import org.p2pnet.testing.FakePeerChannel;
import org.p2pnet.testing.RecordingPeerNetwork;

/** The core as the MXBeans read it: identity, status, trust summary, channels, handlers; each settable by a test. */
class NodeNetwork extends RecordingPeerNetwork {
    static final PeerId SELF = FakePeerChannel.peer('a');

    final NodeIdentity identity = new NodeIdentity(SELF, new byte[] {1, 2, 3}, "Ed25519", "itest", 7700, 1,
            "p2pnet/0.1.0");
    volatile NodeStatus status = new NodeStatus(identity, new PeerAddress("0.0.0.0", 7700), true, "tcp", 1, 2, 5,
            120, 80, Map.of(DisconnectReason.PROTOCOL_VIOLATION, 3L, DisconnectReason.BLOCKED, 2L), 1);
    volatile TrustSummary trust = new TrustSummary(Optional.of("DefaultIncomingPeerPolicy (org.p2pnet.trust)"),
            Optional.of("ChallengeResponse (org.p2pnet.trust)"), false, 7, 1, 2, false);
    final List<PeerChannel> channels = new CopyOnWriteArrayList<>();
    volatile List<HandlerInfo> handlers = List.of(
            new HandlerInfo("MESSAGE", "org.p2pnet.handler.message", 61, 0, 1, 40, 2, 1, 0),
            new HandlerInfo("DATA", "", -1, 0, 0, 10, 0, 5, 1));
    volatile List<PacketTypeStats> packetStats = List.of(
            new PacketTypeStats("(other)", 3, 0, 150, 0),
            new PacketTypeStats("IDENTITY", 2, 2, 600, 590),
            new PacketTypeStats("MESSAGE", 44, 30, 4400, 3300));
    /** When set, every read of the core throws it. */
    volatile RuntimeException failure;

    private void maybeFail() {
        RuntimeException f = failure;
        if (f != null) {
            throw f;
        }
    }

    @Override
    public NodeIdentity identity() {
        maybeFail();
        return identity;
    }

    @Override
    public NodeStatus status() {
        maybeFail();
        return status;
    }

    @Override
    public TrustSummary trustSummary() {
        maybeFail();
        return trust;
    }

    @Override
    public Collection<PeerChannel> activeChannels() {
        maybeFail();
        return List.copyOf(channels);
    }

    @Override
    public Optional<PeerChannel> channel(PeerId id) {
        maybeFail();
        return channels.stream().filter(c -> c.peerId().equals(id)).findFirst();
    }

    @Override
    public List<PacketTypeStats> packetStats() {
        maybeFail();
        return packetStats;
    }

    @Override
    public List<HandlerInfo> handlers() {
        maybeFail();
        return handlers;
    }
}
