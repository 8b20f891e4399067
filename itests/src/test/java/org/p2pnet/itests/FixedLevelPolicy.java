package org.p2pnet.itests;

import java.net.InetAddress;

import org.p2pnet.api.ChannelDirection;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.TrustLevel;
import org.p2pnet.api.trust.Admission;
import org.p2pnet.api.trust.InboundMode;
import org.p2pnet.api.trust.IncomingPeerPolicy;
import org.p2pnet.api.trust.Verdict;

/** A test's own inbound policy: every peer in, at one trust level, no trust protocol, decided by listeners. */
class FixedLevelPolicy implements IncomingPeerPolicy {
    private final TrustLevel level;

    FixedLevelPolicy(TrustLevel level) {
        this.level = level;
    }

    @Override
    public Verdict checkAddress(InetAddress remote) {
        return Verdict.ALLOW;
    }

    @Override
    public Verdict checkPeer(PeerId peer, InetAddress remote, ChannelDirection direction) {
        return Verdict.ALLOW;
    }

    @Override
    public Admission admission(PeerId peer, InetAddress remote, ChannelDirection direction) {
        return new Admission(level, false, InboundMode.EVENT);
    }
}
