package org.p2pnet.discovery.lan.internal;

import org.p2pnet.api.routine.Routine;

/**
 * P2PNet's RotateBroadcastPort routine: moves the broadcaster to another designated port, so
 * that a node whose announcements go unheard on one port (a firewall rule, a busy port) is heard
 * on the next. Registered as a {@link Routine} service (default interval {@code rotateIntervalMs});
 * the routines bundle runs it, and p2p:routine-interval, -stop and -run apply to it. Without that
 * bundle the broadcaster stays on the port picked at start, which every node listens on anyway.
 */
final class RotateBroadcastPort implements Routine {
    static final String NAME = "RotateBroadcastPort";

    private final LanDiscoveryService discovery;

    RotateBroadcastPort(LanDiscoveryService discovery) {
        this.discovery = discovery;
    }

    @Override
    public void run() {
        discovery.rotateBroadcastPort();
    }
}
