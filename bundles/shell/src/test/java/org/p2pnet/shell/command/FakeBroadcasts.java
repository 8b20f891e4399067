package org.p2pnet.shell.command;

import java.util.ArrayList;
import java.util.List;

import org.p2pnet.api.PeerId;
import org.p2pnet.api.broadcast.Broadcasts;
import org.p2pnet.api.broadcast.ReceivedBroadcast;
import org.p2pnet.api.packet.BroadcastPacket;

/** Broadcasts a test adds (newest first, as the service returns them); records what commands originate. */
final class FakeBroadcasts implements Broadcasts {
    record Originated(String title, String message) {
    }

    static final String ID = "b".repeat(64);

    /** Newest first. */
    final List<ReceivedBroadcast> recent = new ArrayList<>();
    final List<Originated> originated = new ArrayList<>();
    RuntimeException refusal;
    int recipients = 3;
    long delivered;

    @Override
    public Sent broadcast(String title, String message) {
        if (refusal != null) {
            throw refusal;
        }
        originated.add(new Originated(title, message));
        return new Sent(new BroadcastPacket(ID, title, message, 1L, Peers.ALICE, 16), recipients);
    }

    @Override
    public List<ReceivedBroadcast> recent(int limit) {
        return List.copyOf(recent.subList(0, Math.min(limit, recent.size())));
    }

    @Override
    public Stats stats() {
        return new Stats(originated.size(), delivered, 0, 0, 0);
    }

    static BroadcastPacket packet(String id, String title, String message, long time, PeerId origin) {
        return new BroadcastPacket(id, title, message, time, origin, 15);
    }
}
