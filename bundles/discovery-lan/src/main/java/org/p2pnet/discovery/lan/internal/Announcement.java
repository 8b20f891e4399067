package org.p2pnet.discovery.lan.internal;

import java.util.List;

import org.p2pnet.api.PeerId;

/**
 * One LAN discovery datagram's content (docs/PROTOCOL.md, "LAN discovery datagrams").
 *
 * @param version   protocol version, {@link AnnouncementCodec#VERSION}
 * @param network   the sender's network name
 * @param peerId    the sender's id
 * @param publicKey the X.509 encoding of the sender's Ed25519 key
 * @param port      the TCP port the sender listens on
 * @param addresses the sender's interface addresses (IP literals, at most {@link AnnouncementCodec#MAX_ADDRESSES})
 * @param timestamp the sender's clock, epoch milliseconds
 * @param reply     true when it answers an announcement directly (never answered itself)
 */
record Announcement(int version, String network, PeerId peerId, byte[] publicKey, int port, List<String> addresses,
                    long timestamp, boolean reply) {
    Announcement {
        addresses = List.copyOf(addresses);
    }
}
