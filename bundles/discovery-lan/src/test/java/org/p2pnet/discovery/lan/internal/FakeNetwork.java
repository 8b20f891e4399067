package org.p2pnet.discovery.lan.internal;

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
import org.p2pnet.api.discovery.DiscoveredPeer;
import org.p2pnet.api.discovery.OfferOutcome;
import org.p2pnet.api.packet.DisconnectPacket;
import org.p2pnet.api.packet.IdentityPacket;
import org.p2pnet.api.packet.Packet;

/** The core as discovery sees it: an identity, and offers recorded with a chosen outcome. */
final class FakeNetwork implements PeerNetwork {
    final KeySigner signer;
    final String networkName;
    final int listenPort;
    final List<DiscoveredPeer> offers = new CopyOnWriteArrayList<>();
    volatile OfferOutcome outcome = OfferOutcome.ALREADY_CONNECTED;

    FakeNetwork(KeySigner signer, String networkName, int listenPort) {
        this.signer = signer;
        this.networkName = networkName;
        this.listenPort = listenPort;
    }

    boolean offered(PeerId peer) {
        return offers.stream().anyMatch(offer -> offer.peerId().equals(peer));
    }

    @Override
    public OfferOutcome offer(DiscoveredPeer peer) {
        offers.add(peer);
        return outcome;
    }

    @Override
    public NodeIdentity identity() {
        return new NodeIdentity(signer.peerId(), signer.publicKey(), "Ed25519", networkName, listenPort, 1, "test");
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
    public void recordIdentity(PeerChannel channel, IdentityPacket identity) {
        throw unexpected();
    }

    @Override
    public void recordDisconnect(PeerChannel channel, DisconnectPacket disconnect) {
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

    private static UnsupportedOperationException unexpected() {
        return new UnsupportedOperationException("discovery has no business calling this");
    }
}
