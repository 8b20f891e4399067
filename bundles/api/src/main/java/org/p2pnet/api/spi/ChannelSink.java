package org.p2pnet.api.spi;

import org.osgi.annotation.versioning.ProviderType;
import org.p2pnet.api.DisconnectRecord;
import org.p2pnet.api.packet.Packet;

/** Where a transport delivers an identified channel's packets. Provided by the core. */
@ProviderType
public interface ChannelSink {
    /** A packet arrived (never IDENTITY during the handshake; everything after it, in order). */
    void received(Packet packet);

    /** The channel closed; called exactly once. */
    void closed(DisconnectRecord how);
}
