package org.p2pnet.api.trust;

import java.util.Map;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.TrustLevel;

/**
 * The operator's (or an authority's) standing trust decisions about peers, kept across restarts
 * ({@code p2p:trust}, {@code p2p:untrust}). Provided by the trust bundle. A decision applies at
 * once to the peer's open channel and to every channel it opens later, in place of the policy's
 * starting level, and the trust protocol is not run for it.
 *
 * @since 1.1
 */
@ProviderType
public interface TrustDecisions {

    /**
     * Trusts the peer: its channels get {@link TrustLevel#ENHANCED}.
     *
     * @throws IllegalStateException when the decision cannot be stored (then nothing changed)
     */
    void trust(PeerId peer, String note);

    /**
     * Distrusts the peer: its channels get {@link TrustLevel#NONE} (IDENTITY and DISCONNECT only).
     *
     * @throws IllegalStateException when the decision cannot be stored (then nothing changed)
     */
    void untrust(PeerId peer, String note);

    /**
     * Drops the decision: channels the peer opens from now on start as the policy says; its open
     * channel returns to the policy's starting level.
     *
     * @return false when there was no decision
     * @throws IllegalStateException when the change cannot be stored
     */
    boolean forget(PeerId peer);

    /** The decision about the peer, if any. */
    Optional<TrustLevel> decision(PeerId peer);

    /** All decisions. */
    Map<PeerId, TrustLevel> decisions();
}
