package org.p2pnet.handler.peergroup.internal;

import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import org.p2pnet.api.ChannelDirection;
import org.p2pnet.api.NodeIdentity;
import org.p2pnet.api.PeerAddress;
import org.p2pnet.api.PeerChannel;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.PeerInfo;
import org.p2pnet.api.discovery.DiscoveredPeer;
import org.p2pnet.api.discovery.OfferOutcome;
import org.p2pnet.api.packet.Packet;
import org.p2pnet.api.packet.PeerGroupPacket;
import org.p2pnet.testing.FakePeerChannel;
import org.p2pnet.testing.RecordingPeerNetwork;

/**
 * The peer network as peer exchange sees it: this node's id, known peers, open channels and
 * minPeers as a test sets them; sends and offers recorded, answered as a test chooses.
 */
final class ExchangeNetwork extends RecordingPeerNetwork {
    /** This node. */
    static final PeerId SELF = id(0);

    /** One packet sent with {@link #send}. */
    record Sent(PeerId to, PeerGroupPacket packet) {
    }

    final List<Sent> sent = new CopyOnWriteArrayList<>();
    final List<DiscoveredPeer> offered = new CopyOnWriteArrayList<>();
    final List<PeerInfo> known = new CopyOnWriteArrayList<>();
    /** Open channels by peer, in opening order. Guarded by itself. */
    private final Map<PeerId, PeerChannel> open = new LinkedHashMap<>();
    volatile int minPeers = 3;
    volatile Function<DiscoveredPeer, OfferOutcome> offerOutcome = p -> OfferOutcome.DIALLING;
    volatile CompletionStage<Void> sendResult = CompletableFuture.completedFuture(null);

    /** A distinct peer id for each number. */
    static PeerId id(int n) {
        return PeerId.parse(String.format("%064x", n));
    }

    /** Opens an outbound channel to the peer (it listens where it was dialled). */
    PeerChannel connect(PeerId peer) {
        return open(new FakePeerChannel(peer, "10.1.0." + (peer.hashCode() & 0x7f) + ":7700", ChannelDirection.OUTBOUND));
    }

    /**
     * Opens an inbound channel from {@code remote}. {@link FakePeerChannel} says the peer listens on
     * port 7700 of that host, so a remote port of 7700 is what the core shows for a peer that
     * advertised no listen port: the listen address is the observed one.
     */
    PeerChannel inbound(PeerId peer, String remote) {
        return open(new FakePeerChannel(peer, remote, ChannelDirection.INBOUND));
    }

    private PeerChannel open(PeerChannel channel) {
        synchronized (open) {
            open.put(channel.peerId(), channel);
        }
        return channel;
    }

    void close(PeerId peer) {
        synchronized (open) {
            open.remove(peer);
        }
    }

    /** Adds a known peer. */
    PeerInfo know(PeerId peer, String host, int port, Instant lastSeen, boolean connected) {
        PeerInfo info = new PeerInfo(peer, new PeerAddress(host, port), "test", 1, lastSeen, lastSeen, connected,
                Optional.empty());
        known.add(info);
        return info;
    }

    List<PeerGroupPacket> sentTo(PeerId peer) {
        return sent.stream().filter(s -> s.to().equals(peer)).map(Sent::packet).toList();
    }

    @Override
    public NodeIdentity identity() {
        return new NodeIdentity(SELF, new byte[0], "Ed25519", "p2pnet", 7700, 1, "p2pnet/test");
    }

    @Override
    public int minPeers() {
        return minPeers;
    }

    @Override
    public Collection<PeerInfo> knownPeers() {
        return List.copyOf(known);
    }

    @Override
    public Collection<PeerChannel> activeChannels() {
        synchronized (open) {
            return List.copyOf(open.values());
        }
    }

    @Override
    public Optional<PeerChannel> channel(PeerId peer) {
        synchronized (open) {
            return Optional.ofNullable(open.get(peer));
        }
    }

    @Override
    public CompletionStage<Void> send(PeerId peer, Packet packet) {
        sent.add(new Sent(peer, (PeerGroupPacket) packet));
        return sendResult;
    }

    @Override
    public OfferOutcome offer(DiscoveredPeer peer) {
        offered.add(peer);
        return offerOutcome.apply(peer);
    }
}
