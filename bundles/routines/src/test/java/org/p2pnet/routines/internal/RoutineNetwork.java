package org.p2pnet.routines.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

import org.p2pnet.api.AddressBookEntry;
import org.p2pnet.api.DiscernResult;
import org.p2pnet.api.PeerAddress;
import org.p2pnet.api.PeerChannel;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.packet.Packet;
import org.p2pnet.testing.FakePeerChannel;
import org.p2pnet.testing.RecordingPeerNetwork;

/** The core as the default routines see it: channels, minPeers, an address book; records what they ask. */
class RoutineNetwork extends RecordingPeerNetwork {
    record Sent(PeerId peer, Packet packet) {
    }

    final List<PeerChannel> channels = new CopyOnWriteArrayList<>();
    int minPeers = 3;
    final List<AddressBookEntry> book = new ArrayList<>();
    final List<Integer> candidatesAsked = new CopyOnWriteArrayList<>();
    final List<PeerAddress> dialled = new CopyOnWriteArrayList<>();
    final List<Sent> sent = new CopyOnWriteArrayList<>();
    final List<Duration> discernLimits = new CopyOnWriteArrayList<>();
    DiscernResult discernResult = new DiscernResult(0, 0, 0);
    /** What connect answers; never completes unless a test says otherwise. */
    CompletionStage<PeerChannel> connectOutcome = new CompletableFuture<>();
    /** Outcomes by address, before {@link #connectOutcome}. */
    final java.util.Map<PeerAddress, CompletionStage<PeerChannel>> connectOutcomes = new java.util.HashMap<>();
    int saves;
    RuntimeException saveFailure;

    /** An address book entry for a peer whose id starts with this hex digit, at 192.0.2.x:7700. */
    static AddressBookEntry entry(char digit, int host) {
        Instant seen = Instant.parse("2026-11-21T09:00:00Z");
        return new AddressBookEntry(FakePeerChannel.peer(digit), new PeerAddress("192.0.2." + host, 7700), "lan",
                "192.0", seen, seen, Optional.empty(), Optional.empty(), 0, false);
    }

    @Override
    public Collection<PeerChannel> activeChannels() {
        return List.copyOf(channels);
    }

    @Override
    public int minPeers() {
        return minPeers;
    }

    @Override
    public List<AddressBookEntry> dialCandidates(int max) {
        candidatesAsked.add(max);
        return book.stream().limit(max).toList();
    }

    @Override
    public CompletionStage<PeerChannel> connect(PeerAddress address) {
        dialled.add(address);
        return connectOutcomes.getOrDefault(address, connectOutcome);
    }

    @Override
    public CompletionStage<Void> send(PeerId peer, Packet packet) {
        sent.add(new Sent(peer, packet));
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public DiscernResult discernChannels(Duration inactivityLimit) {
        discernLimits.add(inactivityLimit);
        return discernResult;
    }

    @Override
    public void saveAddressBook() {
        saves++;
        if (saveFailure != null) {
            throw saveFailure;
        }
    }
}
