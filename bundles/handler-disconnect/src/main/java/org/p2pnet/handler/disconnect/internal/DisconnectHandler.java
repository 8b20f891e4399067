package org.p2pnet.handler.disconnect.internal;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.p2pnet.api.PeerChannel;
import org.p2pnet.api.PeerNetwork;
import org.p2pnet.api.packet.DisconnectPacket;
import org.p2pnet.api.packet.Packet;
import org.p2pnet.api.packet.PacketHandler;
import org.p2pnet.api.packet.PacketTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles DISCONNECT packets: logs the peer's reason once and hands the packet to the core, which
 * remembers the reason and retry-after and closes the channel without answering.
 */
@Component(service = PacketHandler.class,
        property = PacketHandler.TYPE_PROPERTY + "=" + PacketTypes.DISCONNECT)
public class DisconnectHandler implements PacketHandler {
    private static final Logger LOG = LoggerFactory.getLogger(DisconnectHandler.class);

    private final PeerNetwork peerNetwork;

    @Activate
    public DisconnectHandler(@Reference PeerNetwork peerNetwork) {
        this.peerNetwork = peerNetwork;
    }

    @Override
    public void handle(PeerChannel channel, Packet packet) {
        if (!(packet instanceof DisconnectPacket disconnect)) {
            LOG.debug("Ignoring a {} packet from {}: this handler takes DISCONNECT only",
                    packet.type(), channel.peerId().shortForm());
            return;
        }
        LOG.info(describe(channel, disconnect));
        peerNetwork.recordDisconnect(channel, disconnect);
    }

    /** The log line: {@code peer <short id> disconnected: <REASON> <message>}. */
    static String describe(PeerChannel channel, DisconnectPacket disconnect) {
        StringBuilder line = new StringBuilder("peer ").append(channel.peerId().shortForm())
                .append(" disconnected: ").append(disconnect.reason());
        if (!disconnect.message().isEmpty()) {
            line.append(' ').append(loggable(disconnect.message()));
        }
        if (disconnect.retryAfterSeconds() != null) {
            line.append(" (retry after ").append(disconnect.retryAfterSeconds()).append(" s)");
        }
        return line.toString();
    }

    /** The remote peer wrote this text: control characters must not forge log lines. */
    private static String loggable(String remoteText) {
        StringBuilder safe = new StringBuilder(remoteText.length());
        remoteText.codePoints().forEach(c -> safe.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return safe.toString();
    }
}
