package org.p2pnet.handler.task.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.p2pnet.api.ChannelDirection;
import org.p2pnet.api.ChannelException;
import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.NodeIdentity;
import org.p2pnet.api.PeerAddress;
import org.p2pnet.api.PeerChannel;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.PeerInfo;
import org.p2pnet.api.TrustLevel;
import org.p2pnet.api.genesis.BootstrapStatus;
import org.p2pnet.api.genesis.GenesisClient;
import org.p2pnet.api.genesis.GenesisMode;
import org.p2pnet.api.genesis.GenesisRegistration;
import org.p2pnet.api.genesis.GenesisServer;
import org.p2pnet.api.genesis.GenesisStatus;
import org.p2pnet.api.packet.Packet;
import org.p2pnet.api.trust.BlockEntry;
import org.p2pnet.api.trust.BlockList;
import org.p2pnet.api.trust.LocalIdentifier;
import org.p2pnet.api.trust.LocalIdentifierSetPolicy;
import org.p2pnet.api.trust.LocalIdentifierSetPolicy.Origin;
import org.p2pnet.api.trust.TrustDecisions;
import org.p2pnet.testing.FakePeerChannel;
import org.p2pnet.testing.RecordingPeerNetwork;

/** Fakes of the services the task handler uses, recording what it asks of them. */
final class Fakes {
    private Fakes() {
    }

    /** A peer network with channels and known peers set by the test; records sends, disconnects and dials. */
    static final class Network extends RecordingPeerNetwork {
        record Sent(PeerId peer, Packet packet) {
        }

        record Disconnected(PeerId peer, DisconnectReason reason, String message) {
        }

        final PeerId self;
        final String networkName;
        final Map<PeerId, PeerChannel> channels = new ConcurrentHashMap<>();
        final Map<PeerId, PeerInfo> known = new ConcurrentHashMap<>();
        final List<Sent> sent = new CopyOnWriteArrayList<>();
        final List<Disconnected> disconnected = new CopyOnWriteArrayList<>();
        final List<PeerAddress> dialled = new CopyOnWriteArrayList<>();
        /** What a dial does; by default the peer answers at once. */
        volatile Function<PeerAddress, CompletionStage<PeerChannel>> dial =
                address -> CompletableFuture.completedFuture(new FakePeerChannel(FakePeerChannel.peer('9'),
                        address.toString(), ChannelDirection.OUTBOUND));

        Network(PeerId self, String networkName) {
            this.self = self;
            this.networkName = networkName;
        }

        void open(PeerId peer) {
            channels.put(peer, new FakePeerChannel(peer, "192.0.2.10:7700", ChannelDirection.OUTBOUND));
        }

        void know(PeerId peer, String address) {
            known.put(peer, new PeerInfo(peer, PeerAddress.parse(address), "p2pnet/test", 1,
                    Instant.EPOCH, Instant.EPOCH, false, Optional.empty()));
        }

        @Override
        public NodeIdentity identity() {
            return new NodeIdentity(self, new byte[0], "Ed25519", networkName, 7700, 1, "p2pnet/test");
        }

        @Override
        public Collection<PeerChannel> activeChannels() {
            return List.copyOf(channels.values());
        }

        @Override
        public Optional<PeerChannel> channel(PeerId id) {
            return Optional.ofNullable(channels.get(id));
        }

        @Override
        public Optional<PeerInfo> knownPeer(PeerId id) {
            return Optional.ofNullable(known.get(id));
        }

        @Override
        public CompletionStage<PeerChannel> connect(PeerAddress address) {
            dialled.add(address);
            return dial.apply(address);
        }

        @Override
        public CompletionStage<Void> send(PeerId peer, Packet packet) {
            if (!channels.containsKey(peer)) {
                return CompletableFuture.failedFuture(new ChannelException(DisconnectReason.CONNECTION_LOST,
                        "no channel with " + peer.shortForm()));
            }
            sent.add(new Sent(peer, packet));
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<Void> disconnect(PeerId peer, DisconnectReason reason, String message) {
            disconnected.add(new Disconnected(peer, reason, message));
            channels.remove(peer);
            return CompletableFuture.completedFuture(null);
        }
    }

    /** A block list in memory; {@link #hold} makes the next change wait until released. */
    static final class Blocks implements BlockList {
        final List<BlockEntry> entries = new CopyOnWriteArrayList<>();
        volatile CountDownLatch hold;

        @Override
        public BlockEntry blockAddress(String ipOrCidr, String note) {
            if (!ipOrCidr.matches("[0-9.]+(/[0-9]+)?")) {
                throw new IllegalArgumentException("'" + ipOrCidr + "' is not an IP address or CIDR range");
            }
            return add(new BlockEntry(BlockEntry.Kind.ADDRESS, ipOrCidr, note, Instant.now()));
        }

        @Override
        public boolean unblockAddress(String ipOrCidr) {
            throw new UnsupportedOperationException();
        }

        @Override
        public BlockEntry blockPeer(PeerId peer, String note) {
            return add(new BlockEntry(BlockEntry.Kind.PEER, peer.value(), note, Instant.now()));
        }

        @Override
        public boolean unblockPeer(PeerId peer) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<BlockEntry> entries() {
            return List.copyOf(entries);
        }

        private BlockEntry add(BlockEntry entry) {
            CountDownLatch latch = hold;
            if (latch != null) {
                try {
                    latch.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            entries.add(entry);
            return entry;
        }
    }

    /** Trust decisions in memory. */
    static final class Decisions implements TrustDecisions {
        final Map<PeerId, TrustLevel> decisions = new ConcurrentHashMap<>();
        final List<String> notes = new CopyOnWriteArrayList<>();

        @Override
        public void trust(PeerId peer, String note) {
            decisions.put(peer, TrustLevel.ENHANCED);
            notes.add(note);
        }

        @Override
        public void untrust(PeerId peer, String note) {
            decisions.put(peer, TrustLevel.NONE);
        }

        @Override
        public boolean forget(PeerId peer) {
            return decisions.remove(peer) != null;
        }

        @Override
        public Optional<TrustLevel> decision(PeerId peer) {
            return Optional.ofNullable(decisions.get(peer));
        }

        @Override
        public Map<PeerId, TrustLevel> decisions() {
            return Map.copyOf(decisions);
        }
    }

    /** A local identifier that follows its policy, as the trust bundle does. */
    static final class Identifier implements LocalIdentifier {
        volatile LocalIdentifierSetPolicy policy;
        volatile String alias;
        final List<Origin> origins = new CopyOnWriteArrayList<>();

        Identifier(LocalIdentifierSetPolicy policy) {
            this.policy = policy;
        }

        @Override
        public Optional<String> alias() {
            return Optional.ofNullable(alias);
        }

        @Override
        public LocalIdentifierSetPolicy policy() {
            return policy;
        }

        @Override
        public void setAlias(String newAlias, Origin origin) {
            if (!policy.allows(origin, alias != null)) {
                throw new SecurityException("localIdentifierSetPolicy " + policy + " does not allow a " + origin
                        + " change now");
            }
            alias = newAlias;
            origins.add(origin);
        }
    }

    /** A genesis client pinning some keys and maybe having locked one. */
    static final class Client implements GenesisClient {
        volatile List<String> pinned;
        volatile Optional<String> locked;

        Client(List<String> pinned, Optional<String> locked) {
            this.pinned = pinned;
            this.locked = locked;
        }

        @Override
        public BootstrapStatus status() {
            return new BootstrapStatus(List.of("http://127.0.0.1:8181/p2pnet/genesis"), GenesisMode.AUTHORITY, true,
                    pinned, locked.isPresent(), locked, true, Optional.empty(), Optional.empty(), "", 0, 0,
                    Optional.empty());
        }

        @Override
        public void bootstrapNow() {
        }
    }

    /** A genesis server in the given mode. */
    static final class Server implements GenesisServer {
        final GenesisMode mode;

        Server(GenesisMode mode) {
            this.mode = mode;
        }

        @Override
        public GenesisStatus status() {
            return new GenesisStatus(mode, "", "", "p2pnet", 0, 0, Map.of(), Map.of());
        }

        @Override
        public List<GenesisRegistration> registrations() {
            return new ArrayList<>();
        }
    }
}
