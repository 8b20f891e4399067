package org.p2pnet.api.trust;

import java.util.Objects;

import org.p2pnet.api.TrustLevel;

/**
 * How an identified channel starts, as an {@link IncomingPeerPolicy} decides.
 *
 * @param level            the channel's trust level until the trust protocol or an operator changes it
 * @param runTrustProtocol true to run the highest-ranked {@link TrustProtocol} on the channel as it
 *                         opens; packets above {@code level} are held meanwhile (bounded) instead of dropped
 * @param inboundMode      for inbound channels: queue the peer for a decision, ask the
 *                         {@link InboundListener}s, or both; ignored for outbound channels
 * @since 1.1
 */
public record Admission(TrustLevel level, boolean runTrustProtocol, InboundMode inboundMode) {
    /** DEFAULT level, no trust protocol, inbound peers decided by listeners (none objecting: accepted). */
    public static final Admission OPEN = new Admission(TrustLevel.DEFAULT, false, InboundMode.EVENT);

    /** What the core applies when a policy fails: DEFAULT level, no protocol, inbound peers queued. */
    public static final Admission FAIL_CLOSED = new Admission(TrustLevel.DEFAULT, false, InboundMode.QUEUE);

    public Admission {
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(inboundMode, "inboundMode");
    }
}
