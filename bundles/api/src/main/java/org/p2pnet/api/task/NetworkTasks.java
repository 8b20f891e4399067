package org.p2pnet.api.task;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ProviderType;
import org.p2pnet.api.PeerId;

/**
 * Issues and executes authority-signed network tasks. Provided by the task handler bundle, which
 * handles packets of type {@value #PACKET_TYPE} (trust level ENHANCED).
 *
 * <p>A received task is executed only when its signature is valid, its signer is a genesis
 * authority this node pins or has locked (genesis client settings), it is meant for this node and
 * network, it has not expired, its nonce was never seen (nonces are kept until the task expires,
 * across restarts), and — for SetLocalIdentifier — the identifier policy allows remote changes.
 */
@ProviderType
public interface NetworkTasks {
    /** The packet type tasks travel in: a RawPacket whose metadata is the signed task as JSON. */
    String PACKET_TYPE = "NETWORK_TASK";

    /**
     * Signs a task with this node's key and sends it on open channels. Only a genesis node in
     * authority mode issues tasks.
     *
     * @param target    the node that should act, or empty for every node that receives it
     * @param arguments the type's arguments
     * @param ttl       how long it stays valid (1 s to 1 day)
     * @param to        the one peer to send it to, or empty for every open channel
     * @return completes with the task as sent and how many peers it was written to
     * @throws IllegalArgumentException for a bad argument, naming it
     * @throws IllegalStateException when this node is not a genesis authority, or no channel is open
     */
    CompletionStage<Issued> issue(NetworkTaskType type, Optional<PeerId> target, Map<String, String> arguments,
                                  Duration ttl, Optional<PeerId> to);

    /** The most recent task records, newest first (at most 200 kept). */
    List<TaskRecord> recent();

    /**
     * A task as issued.
     *
     * @param task       the signed task
     * @param recipients how many peers it was written to
     */
    record Issued(SignedTask task, int recipients) {
    }
}
