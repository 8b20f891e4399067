package org.p2pnet.handler.identity.internal;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.p2pnet.api.PeerChannel;
import org.p2pnet.api.PeerNetwork;
import org.p2pnet.api.packet.IdentityPacket;
import org.p2pnet.api.packet.Packet;
import org.p2pnet.api.packet.PacketHandler;
import org.p2pnet.api.packet.PacketTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles IDENTITY packets: records what the peer advertises (agent, listen port, protocol
 * version) into the known peers. The core has already checked the identity during the handshake.
 */
@Component(service = PacketHandler.class,
        property = PacketHandler.TYPE_PROPERTY + "=" + PacketTypes.IDENTITY)
public class IdentityHandler implements PacketHandler {
    private static final Logger LOG = LoggerFactory.getLogger(IdentityHandler.class);

    private final PeerNetwork peerNetwork;

    @Activate
    public IdentityHandler(@Reference PeerNetwork peerNetwork) {
        this.peerNetwork = peerNetwork;
    }

    @Override
    public void handle(PeerChannel channel, Packet packet) {
        if (!(packet instanceof IdentityPacket identity)) {
            LOG.debug("Ignoring a {} packet from {}: this handler takes IDENTITY only",
                    packet.type(), channel.peerId().shortForm());
            return;
        }
        // The channel's peer id was checked against the key at the handshake; an identity
        // naming someone else must not overwrite that other peer's entry.
        if (!identity.peerId().equals(channel.peerId())) {
            LOG.warn("Ignoring an IDENTITY for peer {} received on the channel of peer {}",
                    identity.peerId().shortForm(), channel.peerId().shortForm());
            return;
        }
        peerNetwork.recordIdentity(channel, identity);
    }
}
