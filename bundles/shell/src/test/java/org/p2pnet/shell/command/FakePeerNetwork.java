package org.p2pnet.shell.command;

import org.p2pnet.testing.FakePeerChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;

import org.p2pnet.api.AddressBookEntry;
import org.p2pnet.api.DiscernResult;
import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.HandlerInfo;
import org.p2pnet.api.PacketTypeStats;
import org.p2pnet.api.InboundRequest;
import org.p2pnet.api.NodeIdentity;
import org.p2pnet.api.NodeStatus;
import org.p2pnet.api.PeerAddress;
import org.p2pnet.api.PeerChannel;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.PeerInfo;
import org.p2pnet.api.PeerNetwork;
import org.p2pnet.api.TrustLevel;
import org.p2pnet.api.TrustSummary;
import org.p2pnet.api.packet.DisconnectPacket;
import org.p2pnet.api.packet.IdentityPacket;
import org.p2pnet.api.packet.Packet;

/** A PeerNetwork whose state a test sets, and which records what commands ask of it (public for the completer tests). */
public final class FakePeerNetwork implements PeerNetwork {
    record Sent(PeerId peer, Packet packet) {
    }

    record Disconnected(PeerId peer, DisconnectReason reason, String message) {
    }

    record LevelSet(PeerId peer, TrustLevel level, String reason) {
    }

    record Rejected(String requestId, String message) {
    }

    /** A policy and protocol in force, nothing dropped. */
    static final TrustSummary TRUSTED_NODE = new TrustSummary(
            Optional.of("org.p2pnet.trust.internal.DefaultIncomingPeerPolicy (org.p2pnet.trust 0.1.0)"),
            Optional.of("org.p2pnet.trust.internal.ChallengeResponse (org.p2pnet.trust 0.1.0)"), false, 0, 0, 0, false);

    NodeIdentity identity = new NodeIdentity(Peers.ALICE, new byte[] {1, 2, 3, 4}, "Ed25519", "p2pnet", 7700, 1,
            "p2pnet/0.1.0");
    NodeStatus status = new NodeStatus(identity, new PeerAddress("0.0.0.0", 7700), true, "tcp", 0, 0, 0, 0, 0,
            Map.of(), 0);
    public final List<PeerInfo> knownPeers = new ArrayList<>();
    public final List<PeerChannel> channels = new ArrayList<>();
    final List<HandlerInfo> handlers = new ArrayList<>();
    /** What {@link #packetStats()} returns, in this order. */
    final List<PacketTypeStats> packetStats = new ArrayList<>();

    CompletionStage<PeerChannel> connectOutcome = new CompletableFuture<>();
    CompletionStage<Void> sendOutcome = CompletableFuture.completedFuture(null);
    CompletionStage<Void> disconnectOutcome = CompletableFuture.completedFuture(null);
    final List<PeerAddress> dialled = new ArrayList<>();
    final List<Sent> sent = new ArrayList<>();
    final List<Disconnected> disconnected = new ArrayList<>();

    TrustSummary trustSummary = TRUSTED_NODE;
    final List<LevelSet> levelsSet = new ArrayList<>();
    public final List<InboundRequest> inbound = new ArrayList<>();
    CompletionStage<PeerChannel> acceptOutcome = new CompletableFuture<>();
    final List<String> accepted = new ArrayList<>();
    final List<Rejected> rejected = new ArrayList<>();

    /** The address book, in the order the core returns it (most recently seen first). */
    final List<AddressBookEntry> addressBook = new ArrayList<>();
    int addressBookSaves;
    final List<Duration> discernLimits = new ArrayList<>();

    @Override
    public NodeIdentity identity() {
        return identity;
    }

    @Override
    public NodeStatus status() {
        return status;
    }

    @Override
    public Collection<PeerInfo> knownPeers() {
        return List.copyOf(knownPeers);
    }

    @Override
    public Optional<PeerInfo> knownPeer(PeerId id) {
        return knownPeers.stream().filter(peer -> peer.id().equals(id)).findFirst();
    }

    @Override
    public Collection<PeerChannel> activeChannels() {
        return List.copyOf(channels);
    }

    @Override
    public Collection<PeerChannel> trustedChannels() {
        return List.of();
    }

    @Override
    public Optional<PeerChannel> channel(PeerId id) {
        return channels.stream().filter(channel -> channel.peerId().equals(id)).findFirst();
    }

    /** Resolves the way the core documents it, with messages of its own. */
    @Override
    public PeerId resolve(String idOrPrefix) {
        String prefix = idOrPrefix.toLowerCase(Locale.ROOT);
        if (prefix.length() < 4) {
            throw new IllegalArgumentException("a peer id prefix needs at least 4 hex digits, got '" + idOrPrefix + "'");
        }
        TreeSet<PeerId> matches = new TreeSet<>();
        knownPeers.stream().map(PeerInfo::id).filter(id -> id.value().startsWith(prefix)).forEach(matches::add);
        channels.stream().map(PeerChannel::peerId).filter(id -> id.value().startsWith(prefix)).forEach(matches::add);
        if (matches.isEmpty()) {
            throw new IllegalArgumentException("no known peer or open channel matches '" + idOrPrefix + "'");
        }
        if (matches.size() > 1) {
            throw new IllegalArgumentException("'" + idOrPrefix + "' matches " + matches.size() + " peers: "
                    + matches.stream().map(PeerId::shortForm).collect(Collectors.joining(", ")));
        }
        return matches.first();
    }

    @Override
    public CompletionStage<PeerChannel> connect(PeerAddress address) {
        dialled.add(address);
        return connectOutcome;
    }

    @Override
    public CompletionStage<Void> disconnect(PeerId peer, DisconnectReason reason, String message) {
        disconnected.add(new Disconnected(peer, reason, message));
        return disconnectOutcome;
    }

    @Override
    public CompletionStage<Void> send(PeerId peer, Packet packet) {
        sent.add(new Sent(peer, packet));
        return sendOutcome;
    }

    @Override
    public void recordIdentity(PeerChannel channel, IdentityPacket identity) {
        throw new UnsupportedOperationException("the shell never records identities");
    }

    @Override
    public void recordDisconnect(PeerChannel channel, DisconnectPacket disconnect) {
        throw new UnsupportedOperationException("the shell never records disconnects");
    }

    @Override
    public List<HandlerInfo> handlers() {
        return List.copyOf(handlers);
    }

    @Override
    public List<PacketTypeStats> packetStats() {
        return List.copyOf(packetStats);
    }

    /** As the core documents it: no open channel, or ENHANCED while failing closed, is refused. */
    @Override
    public void setTrustLevel(PeerId peer, TrustLevel level, String reason) {
        PeerChannel channel = channel(peer).orElseThrow(
                () -> new IllegalArgumentException("peer " + peer.shortForm() + " has no open channel"));
        if (level == TrustLevel.ENHANCED && trustSummary.failClosed()) {
            throw new IllegalStateException("no inbound policy is installed: the core allows DEFAULT at most");
        }
        levelsSet.add(new LevelSet(peer, level, reason));
        if (channel instanceof FakePeerChannel trustChannel) {
            trustChannel.trustLevel(level);
            trustChannel.trustPending(false);
        }
    }

    @Override
    public TrustSummary trustSummary() {
        return trustSummary;
    }

    @Override
    public List<InboundRequest> inboundQueue() {
        return List.copyOf(inbound);
    }

    @Override
    public CompletionStage<PeerChannel> acceptInbound(String requestId) {
        if (!inbound.removeIf(r -> r.requestId().equals(requestId))) {
            throw new IllegalArgumentException("no inbound request '" + requestId + "' is waiting");
        }
        accepted.add(requestId);
        return acceptOutcome;
    }

    @Override
    public void rejectInbound(String requestId, String message) {
        if (!inbound.removeIf(r -> r.requestId().equals(requestId))) {
            throw new IllegalArgumentException("no inbound request '" + requestId + "' is waiting");
        }
        rejected.add(new Rejected(requestId, message));
    }

    @Override
    public org.p2pnet.api.discovery.OfferOutcome offer(org.p2pnet.api.discovery.DiscoveredPeer peer) {
        throw new UnsupportedOperationException("the shell never offers discovered peers");
    }

    @Override
    public List<AddressBookEntry> addressBook() {
        return List.copyOf(addressBook);
    }

    /** The entries not connected, in book order, as the core would offer them (without backoff). */
    @Override
    public List<AddressBookEntry> dialCandidates(int max) {
        return addressBook.stream().filter(e -> !e.connected()).limit(max).toList();
    }

    @Override
    public void saveAddressBook() {
        addressBookSaves++;
    }

    @Override
    public DiscernResult discernChannels(Duration inactivityLimit) {
        discernLimits.add(inactivityLimit);
        return new DiscernResult(0, 0, 0);
    }
}
