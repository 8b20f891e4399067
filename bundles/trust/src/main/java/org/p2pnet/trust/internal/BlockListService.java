package org.p2pnet.trust.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

import org.p2pnet.api.ChannelDirection;
import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.PeerChannel;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.PeerNetwork;
import org.p2pnet.api.trust.BlockEntry;
import org.p2pnet.api.trust.BlockList;
import org.p2pnet.api.trust.IncomingPeerPolicy;
import org.p2pnet.api.trust.Verdict;
import org.p2pnet.trust.internal.BlockFile.CorruptFileException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The block list: IP addresses, CIDR ranges and peer ids this node refuses. Not a component of its
 * own: {@link TrustService} (PID {@code org.p2pnet.trust}) registers it as the {@link BlockList}
 * service and asks its {@code check*} methods as the core's one {@link IncomingPeerPolicy}. Kept
 * in {@code ${karaf.data}/p2pnet/blocklist.json}. Checks read an immutable snapshot without
 * locking; changes are serialized, written to the file first and published after.
 */
public final class BlockListService implements IncomingPeerPolicy, BlockList {
    /** Most entries (addresses and peers together). */
    static final int MAX_ENTRIES = 100_000;

    private static final Logger LOG = LoggerFactory.getLogger(BlockListService.class);

    /** An address entry with its parsed range. */
    private record AddressRule(AddressRange range, BlockEntry entry) {
    }

    /** What checks read: replaced whole on each change. */
    private record Snapshot(List<AddressRule> addresses, Map<PeerId, BlockEntry> peers) {
        static final Snapshot EMPTY = new Snapshot(List.of(), Map.of());

        int size() {
            return addresses.size() + peers.size();
        }
    }

    private final BlockFile file;
    private final PeerNetwork network;
    private final Clock clock;
    /** Why changes are refused (the file could not be read at activation), or null. */
    private final String unreadable;
    private final Object changeLock = new Object();
    private volatile Snapshot snapshot;

    /** The file lives in {@code dir} ({@link DataDir#of}). */
    BlockListService(Path dir, PeerNetwork network, Clock clock) {
        this.file = new BlockFile(dir.resolve(BlockFile.FILE_NAME));
        this.network = Objects.requireNonNull(network, "network");
        this.clock = clock;
        Snapshot loaded;
        String problem;
        try {
            loaded = snapshotOf(file.read());
            problem = null;
            LOG.info("Block list {}: {} addresses, {} peers", file.path(), loaded.addresses().size(),
                    loaded.peers().size());
        } catch (CorruptFileException e) {
            loaded = Snapshot.EMPTY;
            problem = "the block list file " + file.path() + " is unreadable (" + e.getMessage()
                    + "); fix or remove it and restart the trust bundle";
            LOG.error("{}. Nothing is blocked, and the block list refuses changes so the file is kept as it is.",
                    problem);
        }
        this.snapshot = loaded;
        this.unreadable = problem;
    }

    private static Snapshot snapshotOf(List<BlockEntry> entries) {
        List<AddressRule> addresses = new ArrayList<>();
        Map<PeerId, BlockEntry> peers = new LinkedHashMap<>();
        for (BlockEntry e : entries) {
            if (e.kind() == BlockEntry.Kind.ADDRESS) {
                addresses.add(new AddressRule(AddressRange.parse(e.value()), e));
            } else {
                peers.put(PeerId.parse(e.value()), e);
            }
        }
        return new Snapshot(List.copyOf(addresses), Collections.unmodifiableMap(peers));
    }

    // ---------------------------------------------------------------- IncomingPeerPolicy

    @Override
    public Verdict checkAddress(InetAddress remote) {
        return addressEntry(snapshot, remote).map(BlockListService::refusal).orElse(Verdict.ALLOW);
    }

    @Override
    public Verdict checkPeer(PeerId peer, InetAddress remote, ChannelDirection direction) {
        Snapshot s = snapshot;
        BlockEntry byPeer = peer == null ? null : s.peers().get(peer);
        if (byPeer != null) {
            return refusal(byPeer);
        }
        // the socket's address: a host name dialled is checked here, and a range added since accept time
        return addressEntry(s, remote).map(BlockListService::refusal).orElse(Verdict.ALLOW);
    }

    private static Optional<BlockEntry> addressEntry(Snapshot s, InetAddress remote) {
        if (remote == null) {
            return Optional.empty();
        }
        for (AddressRule rule : s.addresses()) {
            if (rule.range().contains(remote)) {
                return Optional.of(rule.entry());
            }
        }
        return Optional.empty();
    }

    private static Verdict refusal(BlockEntry entry) {
        return Verdict.refuse(DisconnectReason.BLOCKED, message(entry.note()));
    }

    /** What a blocked peer is told: {@code blocked} or {@code blocked: <note>}. */
    static String message(String note) {
        return note.isEmpty() ? "blocked" : "blocked: " + note;
    }

    // ---------------------------------------------------------------- BlockList

    @Override
    public BlockEntry blockAddress(String ipOrCidr, String note) {
        AddressRange range = AddressRange.parse(ipOrCidr);
        String n = Notes.check(note);
        BlockEntry entry = add(BlockEntry.Kind.ADDRESS, range.toString(), n);
        disconnectMatching(c -> hostIn(c, range), entry);
        return entry;
    }

    @Override
    public boolean unblockAddress(String ipOrCidr) {
        return remove(BlockEntry.Kind.ADDRESS, AddressRange.parse(ipOrCidr).toString());
    }

    @Override
    public BlockEntry blockPeer(PeerId peer, String note) {
        Objects.requireNonNull(peer, "peer");
        String n = Notes.check(note);
        BlockEntry entry = add(BlockEntry.Kind.PEER, peer.value(), n);
        disconnectMatching(c -> c.peerId().equals(peer), entry);
        return entry;
    }

    @Override
    public boolean unblockPeer(PeerId peer) {
        return remove(BlockEntry.Kind.PEER, Objects.requireNonNull(peer, "peer").value());
    }

    @Override
    public List<BlockEntry> entries() {
        Snapshot s = snapshot;
        List<BlockEntry> all = new ArrayList<>(s.size());
        s.addresses().forEach(r -> all.add(r.entry()));
        all.addAll(s.peers().values());
        return List.copyOf(all);
    }

    /** Adds an entry (or finds it there already), writing the file before anyone sees the change. */
    private BlockEntry add(BlockEntry.Kind kind, String value, String note) {
        synchronized (changeLock) {
            requireChangeable();
            List<BlockEntry> current = entries();
            Optional<BlockEntry> existing = current.stream()
                    .filter(e -> e.kind() == kind && e.value().equals(value)).findFirst();
            if (existing.isPresent()) {
                return existing.get();
            }
            if (current.size() >= MAX_ENTRIES) {
                throw new IllegalStateException("the block list is full: it holds at most " + MAX_ENTRIES
                        + " entries; use wider CIDR ranges or remove entries");
            }
            BlockEntry entry = new BlockEntry(kind, value, note, Instant.now(clock));
            List<BlockEntry> next = new ArrayList<>(current);
            next.add(entry);
            publish(next);
            LOG.info("Blocked {} {}{}", kind == BlockEntry.Kind.ADDRESS ? "address" : "peer", value,
                    note.isEmpty() ? "" : " (" + note + ")");
            return entry;
        }
    }

    private boolean remove(BlockEntry.Kind kind, String value) {
        synchronized (changeLock) {
            requireChangeable();
            List<BlockEntry> next = new ArrayList<>(entries());
            if (!next.removeIf(e -> e.kind() == kind && e.value().equals(value))) {
                return false;
            }
            publish(next);
            LOG.info("Unblocked {} {}", kind == BlockEntry.Kind.ADDRESS ? "address" : "peer", value);
            return true;
        }
    }

    private void requireChangeable() {
        if (unreadable != null) {
            throw new IllegalStateException("the block list cannot be changed: " + unreadable);
        }
    }

    /** Under {@link #changeLock}: file first, so a change that cannot be kept is not applied. */
    private void publish(List<BlockEntry> next) {
        try {
            file.write(next);
        } catch (IOException e) {
            LOG.error("Cannot write the block list {}: {}", file.path(), e.toString());
            throw new IllegalStateException("cannot write the block list " + file.path() + ": " + e
                    + "; nothing was changed", e);
        }
        snapshot = snapshotOf(next);
    }

    private static boolean hostIn(PeerChannel channel, AddressRange range) {
        try {
            String host = channel.remoteAddress().host();
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            int zone = host.indexOf('%');
            if (zone >= 0) {
                host = host.substring(0, zone);
            }
            return range.contains(AddressRange.parse(host).network());
        } catch (IllegalArgumentException notALiteral) {
            return false;
        }
    }

    /** Ends the open channels an entry just added matches. */
    private void disconnectMatching(Predicate<PeerChannel> matches, BlockEntry entry) {
        String message = message(entry.note());
        for (PeerChannel channel : network.activeChannels()) {
            if (matches.test(channel)) {
                LOG.info("Disconnecting {} at {}: {} is blocked", channel.peerId().shortForm(),
                        channel.remoteAddress(), entry.value());
                network.disconnect(channel.peerId(), DisconnectReason.BLOCKED, message)
                        .exceptionally(failure -> {
                            LOG.debug("Channel with {} was already gone: {}", channel.peerId().shortForm(),
                                    failure.toString());
                            return null;
                        });
            }
        }
    }
}
