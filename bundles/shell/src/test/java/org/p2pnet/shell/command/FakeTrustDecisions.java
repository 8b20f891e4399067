package org.p2pnet.shell.command;

import org.p2pnet.testing.FakePeerChannel;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.p2pnet.api.PeerId;
import org.p2pnet.api.TrustLevel;
import org.p2pnet.api.trust.TrustDecisions;

/** Trust decisions in memory; applies them to the fake network's channels as the trust bundle does. */
final class FakeTrustDecisions implements TrustDecisions {
    private final FakePeerNetwork network;
    final Map<PeerId, TrustLevel> decisions = new LinkedHashMap<>();
    final Map<PeerId, String> notes = new LinkedHashMap<>();
    /** When set, every change fails with it, as with an unwritable file. */
    String refuseChanges;

    FakeTrustDecisions(FakePeerNetwork network) {
        this.network = network;
    }

    private void decide(PeerId peer, TrustLevel level, String note) {
        if (refuseChanges != null) {
            throw new IllegalStateException(refuseChanges);
        }
        decisions.put(peer, level);
        notes.put(peer, note);
        apply(peer, level);
    }

    private void apply(PeerId peer, TrustLevel level) {
        network.channel(peer).ifPresent(channel -> {
            if (channel instanceof FakePeerChannel trustChannel) {
                trustChannel.trustLevel(level);
            }
        });
    }

    @Override
    public void trust(PeerId peer, String note) {
        decide(peer, TrustLevel.ENHANCED, note);
    }

    @Override
    public void untrust(PeerId peer, String note) {
        decide(peer, TrustLevel.NONE, note);
    }

    @Override
    public boolean forget(PeerId peer) {
        if (refuseChanges != null) {
            throw new IllegalStateException(refuseChanges);
        }
        notes.remove(peer);
        boolean had = decisions.remove(peer) != null;
        if (had) {
            apply(peer, TrustLevel.DEFAULT);
        }
        return had;
    }

    @Override
    public Optional<TrustLevel> decision(PeerId peer) {
        return Optional.ofNullable(decisions.get(peer));
    }

    @Override
    public Map<PeerId, TrustLevel> decisions() {
        return Map.copyOf(decisions);
    }
}
