package org.p2pnet.api.trust;

import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ConsumerType;
import org.p2pnet.api.PeerChannel;
import org.p2pnet.api.TrustLevel;

/**
 * Whiteboard: the trust protocol run on a channel as it opens, when the inbound policy's
 * {@link Admission#runTrustProtocol()} says so (P2PNet's DefaultTrustProtocol). The core runs
 * the highest-ranked one ({@code service.ranking}); a bundle with a higher ranking replaces the
 * default one at runtime, for channels opened from then on.
 *
 * <p>A protocol exchanges packets of its own type ({@code TRUST} or {@code TRUST.<name>}, which
 * flow at trust level NONE) through a {@link org.p2pnet.api.packet.PacketHandler} it registers,
 * and must also answer the other side's run of the same protocol. While it runs, the channel's
 * packets above its level are held.
 *
 * <p>Outcomes: a level completes the run and is applied to the channel; a
 * {@link TrustRefusedException} ends the channel with NOT_TRUSTED and its message; any other
 * failure, or no answer within the core's {@code trustProtocolTimeoutSeconds}, leaves the
 * channel at the level it started with (logged). {@code run} is called off network threads and
 * must not block: return a stage.
 *
 * @since 1.1
 */
@ConsumerType
public interface TrustProtocol {
    /** Starts the protocol on a channel just opened. */
    CompletionStage<TrustLevel> run(PeerChannel channel);
}
