package org.p2pnet.handler.keepalive.internal;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.p2pnet.api.PeerChannel;
import org.p2pnet.testing.RecordingPeerNetwork;

/** A peer network whose open channels the test sets; any other call throws. */
final class ChannelsNetwork extends RecordingPeerNetwork {
    final List<PeerChannel> open = new CopyOnWriteArrayList<>();

    @Override
    public Collection<PeerChannel> activeChannels() {
        return List.copyOf(open);
    }
}
