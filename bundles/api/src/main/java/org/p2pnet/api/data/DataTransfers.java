package org.p2pnet.api.data;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ProviderType;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.packet.DataFormat;

/**
 * Sends and receives data (P2PNet's DistributionHandler), provided by the data handler bundle.
 * Files are streamed from and to disk in chunks (raw frame bodies), with flow control; the
 * receiver verifies the SHA-256 before it stores a file under a sanitized, unique name; a transfer
 * cut mid-way resumes from the last byte written when the peers reconnect. Only channels at trust
 * level ENHANCED carry DATA.
 */
@ProviderType
public interface DataTransfers {

    /**
     * Starts sending a file to a peer.
     *
     * @return the transfer as it starts (QUEUED or RUNNING)
     * @throws IllegalArgumentException when the path is not a readable regular file, or is larger
     *         than the configured maximum
     * @throws IllegalStateException when the peer has no open channel at ENHANCED
     */
    TransferInfo sendFile(PeerId peer, Path file);

    /**
     * Sends a file to every peer whose channel is at ENHANCED (P2PNet's DistributeFileAsync).
     *
     * @return one transfer per peer
     * @throws IllegalArgumentException as for {@link #sendFile}
     * @throws IllegalStateException when no channel is at ENHANCED
     */
    List<TransferInfo> distributeFile(Path file);

    /**
     * Sends a TASK or MISC payload (at most the configured maximum, held in memory) to a peer.
     *
     * @throws IllegalArgumentException for FILE, a name that is not 1-255 characters, or a payload too large
     * @throws IllegalStateException when the peer has no open channel at ENHANCED
     */
    TransferInfo sendData(PeerId peer, DataFormat format, String name, byte[] payload);

    /** Completes with the transfer once it has ended (DONE, FAILED or CANCELLED). */
    CompletionStage<TransferInfo> completion(String transferId);

    /** Transfers under way and recently ended, newest first. */
    List<TransferInfo> transfers();

    Optional<TransferInfo> transfer(String transferId);

    /**
     * Cancels a transfer that has not ended (the other side is told).
     *
     * @return false when there is no such transfer or it has ended
     */
    boolean cancel(String transferId);

    /** Files received and stored, newest first. */
    List<ReceivedFile> files();
}
