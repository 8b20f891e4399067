package org.p2pnet.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard SPI: register a service of this type to hear about peers connecting and
 * disconnecting. Called on a network thread; do not block.
 */
@ConsumerType
public interface PeerListener {
    void peerEvent(PeerEvent event);
}
