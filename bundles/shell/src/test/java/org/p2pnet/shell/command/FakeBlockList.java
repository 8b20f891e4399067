package org.p2pnet.shell.command;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.p2pnet.api.PeerId;
import org.p2pnet.api.trust.BlockEntry;
import org.p2pnet.api.trust.BlockList;

/** A block list in memory that refuses what the trust bundle refuses in the simplest cases. */
final class FakeBlockList implements BlockList {
    static final Instant SINCE = Instant.parse("2026-11-21T09:15:00Z");

    final List<BlockEntry> entries = new ArrayList<>();
    /** When set, every change fails with it, as with an unreadable file. */
    String refuseChanges;

    private void changeable() {
        if (refuseChanges != null) {
            throw new IllegalStateException(refuseChanges);
        }
    }

    private BlockEntry add(BlockEntry.Kind kind, String value, String note) {
        changeable();
        BlockEntry entry = new BlockEntry(kind, value, note, SINCE);
        entries.add(entry);
        return entry;
    }

    @Override
    public BlockEntry blockAddress(String ipOrCidr, String note) {
        if (ipOrCidr.chars().anyMatch(Character::isLetter) && ipOrCidr.indexOf(':') < 0) {
            throw new IllegalArgumentException("'" + ipOrCidr + "' is not an IP address or CIDR range");
        }
        return add(BlockEntry.Kind.ADDRESS, ipOrCidr, note);
    }

    @Override
    public boolean unblockAddress(String ipOrCidr) {
        changeable();
        return entries.removeIf(e -> e.kind() == BlockEntry.Kind.ADDRESS && e.value().equals(ipOrCidr));
    }

    @Override
    public BlockEntry blockPeer(PeerId peer, String note) {
        return add(BlockEntry.Kind.PEER, peer.value(), note);
    }

    @Override
    public boolean unblockPeer(PeerId peer) {
        changeable();
        return entries.removeIf(e -> e.kind() == BlockEntry.Kind.PEER && e.value().equals(peer.value()));
    }

    @Override
    public List<BlockEntry> entries() {
        return List.copyOf(entries);
    }
}
