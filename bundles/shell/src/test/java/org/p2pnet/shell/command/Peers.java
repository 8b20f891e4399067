package org.p2pnet.shell.command;

import java.time.Instant;
import java.util.Optional;

import org.p2pnet.api.PeerAddress;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.PeerInfo;

/** Peer ids that read well in tests (public for the completer tests). */
public final class Peers {
    public static final PeerId ALICE = id("a11ce");
    public static final PeerId BOB = id("b0b");
    /** Two peers sharing the prefix {@code abcd}. */
    public static final PeerId ABCD_1 = id("abcd1");
    public static final PeerId ABCD_2 = id("abcd2");

    private Peers() {
    }

    /** A known peer, not connected, at 192.0.2.7:7700. */
    static PeerInfo known(PeerId id) {
        return new PeerInfo(id, new PeerAddress("192.0.2.7", 7700), "p2pnet/0.1.0", 1, Instant.EPOCH, Instant.EPOCH,
                false, Optional.empty());
    }

    private static PeerId id(String start) {
        return PeerId.parse(start + "0".repeat(PeerId.LENGTH - start.length()));
    }

    /** An inbound channel from the peer at 192.0.2.8:51234 with that trust state. */
    static org.p2pnet.testing.FakePeerChannel inbound(PeerId peer, org.p2pnet.api.TrustLevel level, boolean pending,
                                                      long drops) {
        return new org.p2pnet.testing.FakePeerChannel(peer, "192.0.2.8:51234", org.p2pnet.api.ChannelDirection.INBOUND)
                .trust(level, pending, drops);
    }
}
