package org.p2pnet.testing;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.HandlerInfo;
import org.p2pnet.api.InboundRequest;
import org.p2pnet.api.NodeIdentity;
import org.p2pnet.api.NodeStatus;
import org.p2pnet.api.PeerAddress;
import org.p2pnet.api.PeerChannel;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.PeerInfo;
import org.p2pnet.api.PeerNetwork;
import org.p2pnet.api.packet.DisconnectPacket;
import org.p2pnet.api.packet.IdentityPacket;
import org.p2pnet.api.packet.Packet;

/**
 * A {@link PeerNetwork} for packet handler tests: records the identities and disconnects a handler
 * reports to the core; any other call throws, since a handler has no business making it.
 */
public class RecordingPeerNetwork implements PeerNetwork {
    /** One report: the channel it came in on and the packet it reported. */
    public record Recorded(PeerChannel channel, Packet packet) {
    }

    /** What {@link #recordIdentity} was given, in order. */
    public final List<Recorded> identities = new CopyOnWriteArrayList<>();

    /** What {@link #recordDisconnect} was given, in order. */
    public final List<Recorded> disconnects = new CopyOnWriteArrayList<>();

    @Override
    public void recordIdentity(PeerChannel channel, IdentityPacket identity) {
        identities.add(new Recorded(channel, identity));
    }

    @Override
    public void recordDisconnect(PeerChannel channel, DisconnectPacket disconnect) {
        disconnects.add(new Recorded(channel, disconnect));
    }

    @Override
    public NodeIdentity identity() {
        throw unexpected();
    }

    @Override
    public NodeStatus status() {
        throw unexpected();
    }

    @Override
    public Collection<PeerInfo> knownPeers() {
        throw unexpected();
    }

    @Override
    public Optional<PeerInfo> knownPeer(PeerId id) {
        throw unexpected();
    }

    @Override
    public Collection<PeerChannel> activeChannels() {
        throw unexpected();
    }

    @Override
    public Collection<PeerChannel> trustedChannels() {
        throw unexpected();
    }

    @Override
    public Optional<PeerChannel> channel(PeerId id) {
        throw unexpected();
    }

    @Override
    public PeerId resolve(String idOrPrefix) {
        throw unexpected();
    }

    @Override
    public CompletionStage<PeerChannel> connect(PeerAddress address) {
        throw unexpected();
    }

    @Override
    public CompletionStage<Void> disconnect(PeerId peer, DisconnectReason reason, String message) {
        throw unexpected();
    }

    @Override
    public CompletionStage<Void> send(PeerId peer, Packet packet) {
        throw unexpected();
    }

    @Override
    public List<HandlerInfo> handlers() {
        throw unexpected();
    }

    @Override
    public List<InboundRequest> inboundQueue() {
        throw unexpected();
    }

    @Override
    public CompletionStage<PeerChannel> acceptInbound(String requestId) {
        throw unexpected();
    }

    @Override
    public void rejectInbound(String requestId, String message) {
        throw unexpected();
    }

    @Override
    public void setTrustLevel(PeerId peer, org.p2pnet.api.TrustLevel level, String reason) {
        throw unexpected();
    }

    @Override
    public org.p2pnet.api.TrustSummary trustSummary() {
        throw unexpected();
    }

    private static UnsupportedOperationException unexpected() {
        return new UnsupportedOperationException("a handler has no business calling this");
    }

    @Override
    public org.p2pnet.api.discovery.OfferOutcome offer(org.p2pnet.api.discovery.DiscoveredPeer peer) {
        throw unexpected();
    }

    @Override
    public java.util.List<org.p2pnet.api.AddressBookEntry> addressBook() {
        throw unexpected();
    }

    @Override
    public java.util.List<org.p2pnet.api.AddressBookEntry> dialCandidates(int max) {
        throw unexpected();
    }

    @Override
    public void saveAddressBook() {
        throw unexpected();
    }

    @Override
    public org.p2pnet.api.DiscernResult discernChannels(java.time.Duration inactivityLimit) {
        throw unexpected();
    }
}
