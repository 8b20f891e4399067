package org.p2pnet.api.discovery;

import org.osgi.annotation.versioning.ProviderType;

/** The LAN discovery service (UDP broadcast and multicast), provided by the discovery-lan bundle. */
@ProviderType
public interface LanDiscovery {
    LanDiscoveryStatus status();

    /** Starts announcing and listening (idempotent). @throws IllegalStateException saying why it cannot */
    void start();

    /** Stops announcing and listening; closes every socket and timer (idempotent). Channels stay. */
    void stop();
}
