package org.p2pnet.core.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.p2pnet.api.PeerChannel;
import org.p2pnet.api.packet.Packet;
import org.p2pnet.api.packet.PacketHandler;

/** Records what it handles, in order. */
final class RecordingHandler implements PacketHandler {
    record Delivery(PeerChannel channel, Packet packet, String thread) {
    }

    final List<Delivery> deliveries = new CopyOnWriteArrayList<>();

    @Override
    public void handle(PeerChannel channel, Packet packet) {
        deliveries.add(new Delivery(channel, packet, Thread.currentThread().getName()));
    }

    List<Packet> packets() {
        List<Packet> list = new ArrayList<>();
        deliveries.forEach(d -> list.add(d.packet()));
        return list;
    }

    int count() {
        return deliveries.size();
    }
}
