package org.p2pnet.discovery.lan.internal;

import org.p2pnet.api.routine.Routine;

/**
 * P2PNet's RotateBroadcastPort routine: moves the broadcaster to another designated port, so
 * that a node whose announcements go unheard on one port (a firewall rule, a busy port) is heard
 * on the next. Registered as a {@link Routine} service; the discovery service also runs it on its
 * own timer until a routine scheduler exists.
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
